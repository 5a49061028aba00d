// GET /api/logs — log records matching the filters, newest first, with a keyset cursor.
import { parseLogQuery } from '@/lib/contracts/logs-api';
import { searchLogs } from '@/lib/db/log-queries';
import { apiRoute } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  return Response.json(await searchLogs(parseLogQuery(new URL(request.url).searchParams)));
});
