// GET /api/logs/volume — the same filters as /api/logs (start and end required): record counts per
// time bucket and severity, for the histogram over the logs table.
import { badRequest } from '@/lib/contracts/api-error';
import { parseLogQuery } from '@/lib/contracts/logs-api';
import { logVolume } from '@/lib/db/log-queries';
import { apiRoute } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const query = parseLogQuery(new URL(request.url).searchParams);
  const { startNs, endNs } = query;
  if (startNs === undefined || endNs === undefined) throw badRequest('start and end are required');
  return Response.json(await logVolume({ ...query, startNs, endNs }));
});
