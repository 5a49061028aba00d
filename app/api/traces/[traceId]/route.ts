// GET /api/traces/{traceId}?start=&end= — one trace in Jaeger's JSON. The id may be shorter than
// 32 hex digits (left-padded, as Jaeger does); start/end (µs) optionally narrow the partitions read.
import { notFound } from '@/lib/contracts/api-error';
import { parseTraceLookup } from '@/lib/contracts/jaeger-query';
import { loadTrace } from '@/lib/db/trace-queries';
import { apiRoute, jsonStreamResponse } from '@/lib/http/route-errors';
import { jaegerTracesJson } from '@/lib/jaeger/serialize';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ traceId: string }> }) => {
  const { traceId: rawId } = await context.params;
  const { traceId, ...window } = parseTraceLookup(rawId, new URL(request.url).searchParams);
  const trace = await loadTrace(traceId, window);
  if (!trace) throw notFound('trace not found');
  return jsonStreamResponse(jaegerTracesJson([trace]));
});
