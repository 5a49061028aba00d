// GET /api/ui/traces/{traceId}/search?q= — ids of the trace's spans whose attributes, events or
// status message contain q (case-insensitive); names and services are matched in the browser.
import { parseTraceIdParam } from '@/lib/contracts/jaeger-query';
import { parseTraceTextSearch, type TraceSearchResponse } from '@/lib/contracts/trace-explorer-api';
import { searchTraceSpans } from '@/lib/db/trace-explorer-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ traceId: string }> }) => {
  const traceId = parseTraceIdParam((await context.params).traceId);
  const text = parseTraceTextSearch(new URL(request.url).searchParams);
  const body: TraceSearchResponse = { spanIds: await searchTraceSpans(traceId, text) };
  return jsonResponse(body);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
