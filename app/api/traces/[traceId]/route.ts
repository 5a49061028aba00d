// GET /api/traces/{traceId}?start=&end= — one trace in Jaeger's JSON. The id may be shorter than
// 32 hex digits (left-padded, as Jaeger does); start/end (µs) optionally narrow the partitions read.
import { parseTraceLookup } from '@/lib/contracts/jaeger-query';
import { jaegerTraceResponse } from '@/lib/http/jaeger-trace-response';
import { apiRoute, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ traceId: string }> }) => {
  const { traceId: rawId } = await context.params;
  const { traceId, ...window } = parseTraceLookup(rawId, new URL(request.url).searchParams);
  return jaegerTraceResponse(traceId, window);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
