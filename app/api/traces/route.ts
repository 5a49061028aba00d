// GET /api/traces?service=&operation=&tags=&minDuration=&maxDuration=&start=&end=&lookback=&limit=
// Jaeger's trace search (formats in lib/contracts/jaeger-query.ts); with traceID= parameters it
// returns those traces instead, reporting unknown ones in `errors` as Jaeger does.
import { parseTraceSearch } from '@/lib/contracts/jaeger-query';
import { findTraceIds, loadTraceRows, searchLoadWindow } from '@/lib/db/trace-queries';
import { jaegerSearchResponse } from '@/lib/http/jaeger-search-response';
import { apiRoute, jsonStreamResponse, methodNotAllowed } from '@/lib/http/route-errors';
import { jaegerTracesFromRows } from '@/lib/jaeger/rows-to-jaeger';
import { jaegerTraceId } from '@/lib/jaeger/to-jaeger';
import type { JaegerError } from '@/lib/jaeger/types';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request) => {
  const search = parseTraceSearch(new URL(request.url).searchParams, { nowUs: Date.now() * 1000 });
  if (search.traceIds.length > 0) {
    const stored = await loadTraceRows(search.traceIds);
    const found = new Set(stored.traces.map((trace) => trace.traceId));
    const errors: JaegerError[] = search.traceIds
      .filter((id) => !found.has(id))
      .map((id) => ({ msg: 'trace not found', traceID: jaegerTraceId(id) }));
    return jsonStreamResponse(jaegerTracesFromRows(stored, errors.length > 0 ? errors : null));
  }
  return jaegerSearchResponse(await findTraceIds(search.query), searchLoadWindow(search.query));
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
