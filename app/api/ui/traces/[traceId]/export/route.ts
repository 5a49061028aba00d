// GET /api/ui/traces/{traceId}/export?format=otlp|jaeger — the whole trace as a file to download:
// OTLP/JSON (an ExportTraceServiceRequest any OpenTelemetry tool reads) or Jaeger JSON.
import { notFound } from '@/lib/contracts/api-error';
import { parseTraceIdParam } from '@/lib/contracts/jaeger-query';
import { parseExportRequest } from '@/lib/contracts/trace-explorer-api';
import { loadTrace } from '@/lib/db/trace-queries';
import { apiRoute, methodNotAllowed } from '@/lib/http/route-errors';
import { jaegerTracesJson, textChunksToStream } from '@/lib/jaeger/serialize';
import { toOtlpJson } from '@/lib/otlp/to-otlp-json';

export const dynamic = 'force-dynamic';

export const GET = apiRoute(async (request: Request, context: { params: Promise<{ traceId: string }> }) => {
  const traceId = parseTraceIdParam((await context.params).traceId);
  const format = parseExportRequest(new URL(request.url).searchParams);
  const trace = await loadTrace(traceId);
  if (!trace) throw notFound('trace not found', traceId);
  const body = format === 'otlp' ? textChunksToStream([JSON.stringify(toOtlpJson(trace))][Symbol.iterator]()) : textChunksToStream(jaegerTracesJson([trace]));
  return new Response(body, {
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-disposition': `attachment; filename="trace-${traceId}.${format}.json"`,
    },
  });
});

export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');
