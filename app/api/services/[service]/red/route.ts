// GET /api/services/{service}/red?start=&end=&lookback=&environment=&step= — a service's RED
// (rate, errors, duration percentiles) over a window (default the last hour), as a summary and a
// series, and the same per operation, busiest first. Reads rollups only.
import { parseServiceRedRequest, type ServiceRedResponse } from '@/lib/contracts/service-graph-api';
import { loadServiceRed } from '@/lib/db/service-graph-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ service: string }> }) => {
  const { service } = await context.params;
  const query = parseServiceRedRequest(service, new URL(request.url).searchParams, Date.now());
  const red = await loadServiceRed(query);
  const body: ServiceRedResponse = {
    service,
    environment: query.environment,
    startMs: query.startMs,
    endMs: query.endMs,
    stepMs: query.stepMs,
    ...red,
  };
  return jsonResponse(body);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
