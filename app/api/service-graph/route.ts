// GET /api/service-graph?start=&end=&lookback=&environment=&degraded=&failing= — the service graph
// of a window (default the last 15 minutes): nodes with kind, RED and health, edges with rate,
// error rate and p50/p95/p99 and connection type. Reads rollups only (lib/db/service-graph-queries).
import { parseServiceGraphRequest, type ServiceGraphResponse } from '@/lib/contracts/service-graph-api';
import { loadServiceGraph } from '@/lib/db/service-graph-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const query = parseServiceGraphRequest(new URL(request.url).searchParams, Date.now());
  const graph = await loadServiceGraph(query, query.environment, query.thresholds);
  const body: ServiceGraphResponse = { ...graph, environment: query.environment };
  return jsonResponse(body);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
