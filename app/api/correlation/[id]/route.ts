// GET /api/correlation/{id} — the traces and logs of one correlation id, across services.
import { parseCorrelationId } from '@/lib/contracts/logs-api';
import { loadCorrelation } from '@/lib/db/log-queries';
import { apiRoute } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  return Response.json(await loadCorrelation(parseCorrelationId(id)));
});
