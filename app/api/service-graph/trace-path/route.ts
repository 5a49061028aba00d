// GET /api/service-graph/trace-path?traceId= — the nodes and edges of the service graph one trace
// travelled, for highlighting it on the map (lib/domain/service-graph/trace-path.ts).
import { notFound } from '@/lib/contracts/api-error';
import { parseTracePathRequest, type TracePathResponse } from '@/lib/contracts/service-graph-api';
import { loadTrace } from '@/lib/db/trace-queries';
import { tracePath } from '@/lib/domain/service-graph/trace-path';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const traceId = parseTracePathRequest(new URL(request.url).searchParams);
  const trace = await loadTrace(traceId);
  if (!trace) throw notFound('trace not found', traceId);
  const body: TracePathResponse = { traceId, ...tracePath(trace) };
  return jsonResponse(body);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
