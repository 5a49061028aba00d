// GET /api/service-graph/edge?source=&target=&type=&start=&end=&lookback=&environment= — one edge
// of the graph: its RED over the window as a summary and a series, and example slow and failing
// traces (the rollups' exemplars) to open.
import { autoStepMs, parseEdgeRequest, type EdgeDetailResponse } from '@/lib/contracts/service-graph-api';
import { loadEdgeDetail } from '@/lib/db/service-graph-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const query = parseEdgeRequest(new URL(request.url).searchParams, Date.now());
  const stepMs = autoStepMs(query.endMs - query.startMs);
  const detail = await loadEdgeDetail(query, stepMs);
  const body: EdgeDetailResponse = {
    startMs: query.startMs,
    endMs: query.endMs,
    source: query.source,
    target: query.target,
    connectionType: query.connectionType,
    stepMs,
    ...detail,
  };
  return jsonResponse(body);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
