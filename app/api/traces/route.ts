// GET /api/traces?service=&operation=&tags=&minDuration=&maxDuration=&start=&end=&lookback=&limit=
// Jaeger's trace search (formats in lib/contracts/jaeger-query.ts); with traceID= parameters it
// returns those traces instead, reporting unknown ones in `errors` as Jaeger does.
import { parseTraceSearch } from '@/lib/contracts/jaeger-query';
import { findTraceIds, loadTraces } from '@/lib/db/trace-queries';
import { apiRoute, jsonStreamResponse } from '@/lib/http/route-errors';
import { jaegerTracesJson } from '@/lib/jaeger/serialize';
import { jaegerTraceId } from '@/lib/jaeger/to-jaeger';
import type { JaegerError } from '@/lib/jaeger/types';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const search = parseTraceSearch(new URL(request.url).searchParams, { nowUs: Date.now() * 1000 });
  if (search.traceIds.length > 0) {
    const traces = await loadTraces(search.traceIds);
    const found = new Set(traces.map((trace) => trace.traceId));
    const errors: JaegerError[] = search.traceIds
      .filter((id) => !found.has(id))
      .map((id) => ({ msg: 'trace not found', traceID: jaegerTraceId(id) }));
    return jsonStreamResponse(jaegerTracesJson(traces, errors.length > 0 ? errors : null));
  }
  const traces = await loadTraces(await findTraceIds(search.query));
  return jsonStreamResponse(jaegerTracesJson(traces));
});
