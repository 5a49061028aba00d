// POST /api/transform — OTLP/JSON (an ExportTraceServiceRequest, as exporters send it and as Jaeger
// UI's "Upload" reads a file) in, Jaeger JSON out, as jaeger-query's transformOTLP does: the
// envelope `{data: [traces], total: 0, …}` with the spans unadjusted. Nothing is stored. OTLP/JSON
// goes through the collector's own decoder, spans through the same Jaeger mapping as GET /api/traces.
import { decodeTraceRequestJsonValue } from '@/lib/otlp/decode-trace-json';
import { ApiError, badRequest } from '@/lib/contracts/api-error';
import { MAX_UPLOAD_BYTES } from '@/lib/contracts/trace-explorer-api';
import { tracesFromBatch, type Trace } from '@/lib/domain/trace';
import { apiRoute, JSON_STREAM_HEADERS, methodNotAllowed } from '@/lib/http/route-errors';
import { jaegerTracesJson, textChunksToStream } from '@/lib/jaeger/serialize';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(async (request: Request) => {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_UPLOAD_BYTES) throw new ApiError(413, `OTLP files up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`);
  const text = await request.text();
  if (text.length > MAX_UPLOAD_BYTES) throw new ApiError(413, `OTLP files up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`cannot unmarshal OTLP JSON: ${(error as Error).message}`);
  }
  let traces: Trace[];
  try {
    traces = tracesFromBatch(decodeTraceRequestJsonValue(value));
  } catch (error) {
    throw badRequest(`cannot unmarshal OTLP JSON: ${(error as Error).message}`);
  }
  return new Response(textChunksToStream(jaegerTracesJson(traces)), { status: 200, headers: JSON_STREAM_HEADERS });
});

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed('POST');
