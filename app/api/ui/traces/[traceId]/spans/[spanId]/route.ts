// GET /api/ui/traces/{traceId}/spans/{spanId} — one span in full (attributes, resource, scope,
// events, links, status) and the spans of other traces that link to it.
import { notFound } from '@/lib/contracts/api-error';
import { parseTraceIdParam } from '@/lib/contracts/jaeger-query';
import { parseSpanIdParam, toSpanDetail, type SpanDetailResponse } from '@/lib/contracts/trace-explorer-api';
import { findLinkingSpans, loadSpan } from '@/lib/db/trace-explorer-queries';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (_request: Request, context: { params: Promise<{ traceId: string; spanId: string }> }) => {
  const params = await context.params;
  const traceId = parseTraceIdParam(params.traceId);
  const spanId = parseSpanIdParam(params.spanId);
  const span = await loadSpan(traceId, spanId);
  if (!span) throw notFound('span not found', traceId);
  const body: SpanDetailResponse = { span: toSpanDetail(span), linkedFrom: await findLinkingSpans(traceId, spanId, span.startNs) };
  return jsonResponse(body);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
