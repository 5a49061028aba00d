// GET /api/ui/traces/{traceId}?part=&parts= — one part of a trace as compact columns, for the
// trace explorer (lib/contracts/trace-explorer-api.ts). 404 when no span of the trace is stored.
// A part the trace page has just read for its server-rendered first screen is handed over, not
// read again (lib/db/trace-part-handoff.ts).
import { notFound } from '@/lib/contracts/api-error';
import { parseTraceIdParam } from '@/lib/contracts/jaeger-query';
import { parseTracePartRequest } from '@/lib/contracts/trace-explorer-api';
import { takeTracePart } from '@/lib/db/trace-part-handoff';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ traceId: string }> }) => {
  const traceId = parseTraceIdParam((await context.params).traceId);
  const { part, parts } = parseTracePartRequest(new URL(request.url).searchParams);
  const compact = await takeTracePart(traceId, part, parts);
  if (!compact) throw notFound('trace not found', traceId);
  return jsonResponse(compact);
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
