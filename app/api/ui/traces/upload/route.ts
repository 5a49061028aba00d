// POST /api/ui/traces/upload — a trace file (OTLP/JSON as exporters send it or as Meshlight
// downloads it, or Jaeger JSON) decoded for viewing, not stored: the biggest trace in the file as
// compact columns plus every span's details. OTLP/JSON goes through the collector's own decoder (lib/otlp).
import { decodeTraceRequestJsonValue } from '@/lib/otlp/decode-trace-json';
import { ApiError, badRequest } from '@/lib/contracts/api-error';
import { MAX_UPLOAD_BYTES, toSpanDetail, type SpanDetail, type UploadedTrace } from '@/lib/contracts/trace-explorer-api';
import { tracesFromBatch, type Trace } from '@/lib/domain/trace';
import { compactPartFromTrace } from '@/lib/domain/trace-model';
import { apiRoute, jsonResponse, methodNotAllowed } from '@/lib/http/route-errors';
import { fromJaegerJson, looksLikeJaeger } from '@/lib/jaeger/from-jaeger';

export const dynamic = 'force-dynamic';

export const POST = apiRoute(async (request: Request) => {
  const text = await request.text();
  if (text.length > MAX_UPLOAD_BYTES) throw new ApiError(413, `trace files up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`not JSON: ${(error as Error).message}`);
  }
  let traces: Trace[];
  let format: UploadedTrace['format'];
  try {
    if (looksLikeJaeger(value)) {
      format = 'jaeger';
      traces = fromJaegerJson(value);
    } else {
      format = 'otlp';
      traces = tracesFromBatch(decodeTraceRequestJsonValue(value));
    }
  } catch (error) {
    throw badRequest(`not an OTLP/JSON or Jaeger JSON trace: ${(error as Error).message}`);
  }
  const trace = traces[0];
  if (!trace) throw badRequest('the file holds no spans');
  const details: Record<string, SpanDetail> = {};
  for (const span of trace.spans) details[span.spanId] = toSpanDetail(span);
  const body: UploadedTrace = { part: compactPartFromTrace(trace), details, otherTraceCount: traces.length - 1, format };
  return jsonResponse(body);
});

export const { GET, PUT, PATCH, DELETE } = methodNotAllowed('POST');
