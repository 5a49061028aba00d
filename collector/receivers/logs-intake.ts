// The logs signal's HTTP intake, independent of the pipeline it feeds: which path is which format,
// decoding a request body (content-encoding already undone) into a LogBatch, and shaping each
// format's own success response:
//   POST /v1/logs            OTLP/HTTP, protobuf or JSON → ExportLogsServiceResponse (partial success)
//   POST /loki/api/v1/push   Loki push, snappy protobuf or JSON → 204 No Content, as Loki answers
//   POST /logs/jsonl?service= newline-delimited JSON → 200 {accepted, rejected, errors[{line, message}]};
//                            400 when no line was usable
// Errors are thrown as PermanentError (400/404/415) for the receiver's one error mapper.
// logsWire() is the OTLP wire definition (HTTP /v1/logs and gRPC LogsService/Export through
// otlpRoutes()); logsRoutes() the Loki push and JSON-lines routes.
import type { CorrelationOptions } from '../../lib/domain/logs/correlation';
import type { LogBatch } from '../../lib/domain/logs/model';
import type { Nanos } from '../../lib/domain/model';
import { PermanentError } from '../pipeline/errors';
import { decodeJsonLines, type LineError } from './jsonl/decode-jsonl';
import { decodeLokiPushJson } from './loki/decode-loki-json';
import { decodeLokiPushProto, uncompressLokiBody } from './loki/decode-loki-proto';
import { decodeLogsRequestJson } from './otlp/decode-logs-json';
import { decodeLogsRequestProto } from './otlp/decode-logs-proto';
import { encodeTraceResponseProto } from './otlp/encode-trace-response';
import { LOGS_EXPORT_PATH } from './otlp/grpc-receiver';
import { encodingOfContentType } from './otlp/http-receiver';
import type { ExportFunction, OtlpSignalWire } from './otlp/otlp-signals';
import type { HttpRoute } from './routes';

export type LogsFormat = 'otlp' | 'loki' | 'jsonl';

export const LOGS_PATHS: Readonly<Record<string, LogsFormat>> = {
  '/v1/logs': 'otlp',
  '/loki/api/v1/push': 'loki',
  '/logs/jsonl': 'jsonl',
};

export function logsFormatOfPath(pathname: string): LogsFormat | undefined {
  return Object.hasOwn(LOGS_PATHS, pathname) ? LOGS_PATHS[pathname] : undefined;
}

export interface LogsRequest extends CorrelationOptions {
  format: LogsFormat;
  contentType: string | undefined;
  /** The body after Content-Encoding (gzip) was undone. */
  body: Uint8Array;
  search: URLSearchParams;
  receivedNs: Nanos;
  maxBodyBytes: number;
}

/** What the pipeline reports back about an accepted batch. */
export interface LogsExportResult {
  rejected: number;
  errorMessage: string;
}

export interface LogsResponse {
  status: number;
  contentType: string | undefined;
  body: string | Uint8Array;
}

export interface DecodedLogsRequest {
  batch: LogBatch;
  respond(result: LogsExportResult): LogsResponse;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function decodeLogsRequest(request: LogsRequest): DecodedLogsRequest {
  const options = { receivedNs: request.receivedNs, correlationKeys: request.correlationKeys };
  switch (request.format) {
    case 'otlp': {
      const encoding = encodingOfContentType(request.contentType);
      if (!encoding) throw unsupported(request.contentType, 'application/x-protobuf or application/json');
      const batch = encoding === 'protobuf' ? decodeLogsRequestProto(request.body, options) : decodeLogsRequestJson(utf8.decode(request.body), options);
      return {
        batch,
        respond: (result) =>
          encoding === 'protobuf'
            ? { status: 200, contentType: 'application/x-protobuf', body: encodeLogsResponseProto(result) }
            : { status: 200, contentType: 'application/json', body: encodeLogsResponseJson(result) },
      };
    }
    case 'loki': {
      const encoding = encodingOfContentType(request.contentType);
      if (!encoding) throw unsupported(request.contentType, 'application/x-protobuf (snappy) or application/json');
      const batch =
        encoding === 'protobuf'
          ? decodeLokiPushProto(uncompressLokiBody(request.body, request.maxBodyBytes), options)
          : decodeLokiPushJson(utf8.decode(request.body), options);
      return { batch, respond: () => ({ status: 204, contentType: undefined, body: '' }) };
    }
    case 'jsonl': {
      const service = (request.search.get('service') ?? '').trim();
      if (service.length > 256) throw new PermanentError('malformed', 'service must be at most 256 characters');
      const { batch, lineErrors } = decodeJsonLines(utf8.decode(request.body), { ...options, service });
      if (batch.recordCount === 0 && lineErrors.length > 0) {
        throw new PermanentError('malformed', `no usable line: ${batch.rejectionMessage}`);
      }
      return { batch, respond: (result) => jsonLinesResponse(batch, lineErrors, result) };
    }
  }
}

function jsonLinesResponse(batch: LogBatch, lineErrors: LineError[], result: LogsExportResult): LogsResponse {
  // The pipeline's result already counts the decoder's rejections (the signal's outcome reports them).
  const rejected = Math.max(result.rejected, batch.rejectedRecords);
  const body = {
    accepted: batch.recordCount + batch.rejectedRecords - rejected,
    rejected,
    errors: lineErrors,
    ...(result.errorMessage && result.errorMessage !== batch.rejectionMessage ? { message: result.errorMessage } : {}),
  };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
}

function unsupported(contentType: string | undefined, expected: string): PermanentError {
  return new PermanentError('unsupported-media-type', `unsupported Content-Type "${contentType ?? ''}"; use ${expected}`);
}

/**
 * ExportLogsServiceResponse{ExportLogsPartialSuccess partial_success = 1} with
 * {int64 rejected_log_records = 1; string error_message = 2}: the same field numbers and types as
 * the trace response, so the trace encoder writes the same bytes.
 */
export function encodeLogsResponseProto(result: LogsExportResult): Uint8Array {
  return encodeTraceResponseProto({ rejectedSpans: result.rejected, errorMessage: result.errorMessage });
}

export function encodeLogsResponseJson(result: LogsExportResult): string {
  if (result.rejected === 0 && result.errorMessage === '') return '{}';
  const partialSuccess: { rejectedLogRecords?: string; errorMessage?: string } = {};
  if (result.rejected !== 0) partialSuccess.rejectedLogRecords = String(result.rejected);
  if (result.errorMessage !== '') partialSuccess.errorMessage = result.errorMessage;
  return JSON.stringify({ partialSuccess });
}

export interface LogsIntakeOptions {
  maxBodyBytes: number;
  correlationKeys: readonly string[];
  /** The clock: receive time in Unix ns. */
  nowNs(): Nanos;
}

/** OTLP logs for otlpRoutes(): POST /v1/logs and gRPC LogsService/Export. */
export function logsWire(options: LogsIntakeOptions): OtlpSignalWire<LogBatch> {
  const decodeOptions = () => ({ receivedNs: options.nowNs(), correlationKeys: options.correlationKeys });
  return {
    signal: 'logs',
    httpPath: '/v1/logs',
    grpcPath: LOGS_EXPORT_PATH,
    decodeProto: (bytes) => decodeLogsRequestProto(bytes, decodeOptions()),
    decodeJson: (text) => decodeLogsRequestJson(text, decodeOptions()),
    encodeResponseProto: encodeLogsResponseProto,
    encodeResponseJson: encodeLogsResponseJson,
  };
}

/** Loki's own error body is the message as plain text. */
const plainTextError = (status: { message: string }) => ({ contentType: 'text/plain; charset=utf-8', body: `${status.message}\n` });

/** POST /loki/api/v1/push and POST /logs/jsonl, exporting through the logs lane. */
export function logsRoutes(exportBatch: ExportFunction<LogBatch>, options: LogsIntakeOptions): HttpRoute[] {
  const route = (format: 'loki' | 'jsonl', path: string, extra: Partial<HttpRoute>): HttpRoute => ({
    path,
    signal: 'logs',
    ...extra,
    async handle({ url, mediaType, body }) {
      const decoded = decodeLogsRequest({
        format,
        contentType: mediaType,
        body,
        search: url.searchParams,
        receivedNs: options.nowNs(),
        maxBodyBytes: options.maxBodyBytes,
        correlationKeys: options.correlationKeys,
      });
      const result = await exportBatch(decoded.batch);
      const response = decoded.respond(result);
      return { status: response.status, contentType: response.contentType ?? 'text/plain; charset=utf-8', body: response.body };
    },
  });
  return [
    route('loki', '/loki/api/v1/push', {
      mediaTypes: ['application/x-protobuf', 'application/protobuf', 'application/json'],
      // Loki's protobuf body is a snappy block whether or not the client says so in Content-Encoding.
      ownEncodings: ['snappy'],
      errorBody: plainTextError,
    }),
    route('jsonl', '/logs/jsonl', {}),
  ];
}
