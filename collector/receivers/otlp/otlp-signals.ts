// The OTLP signals as the receivers see them: for each, its HTTP path and gRPC method, how a body
// decodes (protobuf and JSON) and how the response encodes. otlpRoutes() turns the table into the
// HTTP and gRPC routes both receivers serve; a known OTLP signal without a wire definition yet
// answers 404 / UNIMPLEMENTED naming it. Adding a signal: write its OtlpSignalWire beside
// traceWire and pass it in (see README, "Adding a signal").
import type { TraceBatch } from '../../../lib/domain/model';
import type { ExportResult } from '../../pipeline/signal';
import type { GrpcRoute, HttpRoute, ReceiverRoutes } from '../routes';
import { decodeTraceRequestJson } from './decode-trace-json';
import { decodeTraceRequestProto } from './decode-trace-proto';
import { encodeExportResponseJson, encodeExportResponseProto } from './encode-trace-response';
import { LOGS_EXPORT_PATH, METRICS_EXPORT_PATH, TRACE_EXPORT_PATH } from './grpc-receiver';
import { encodingOfContentType } from './http-receiver';

export interface OtlpSignalWire<Batch> {
  /** The pipeline signal it feeds: `traces`, `metrics`, `logs`. */
  signal: string;
  httpPath: string;
  grpcPath: string;
  decodeProto(bytes: Uint8Array): Batch;
  decodeJson(text: string): Batch;
  encodeResponseProto(result: ExportResult): Uint8Array;
  encodeResponseJson(result: ExportResult): string;
}

/** The OTLP signals there are; those without a wire definition answer "not supported yet". */
export const OTLP_SIGNALS = [
  { signal: 'traces', httpPath: '/v1/traces', grpcPath: TRACE_EXPORT_PATH },
  { signal: 'metrics', httpPath: '/v1/metrics', grpcPath: METRICS_EXPORT_PATH },
  { signal: 'logs', httpPath: '/v1/logs', grpcPath: LOGS_EXPORT_PATH },
] as const;

export const traceWire: OtlpSignalWire<TraceBatch> = {
  signal: 'traces',
  httpPath: '/v1/traces',
  grpcPath: TRACE_EXPORT_PATH,
  decodeProto: decodeTraceRequestProto,
  decodeJson: decodeTraceRequestJson,
  encodeResponseProto: encodeExportResponseProto,
  encodeResponseJson: (result) => encodeExportResponseJson(result, 'rejectedSpans'),
};

export type ExportFunction<Batch> = (batch: Batch) => ExportResult | Promise<ExportResult>;

const OTLP_MEDIA_TYPES = ['application/x-protobuf', 'application/protobuf', 'application/json'] as const;

/**
 * HTTP and gRPC routes for OTLP: each implemented wire exports through `exportOf(wire.signal)`;
 * every other OTLP signal gets placeholder routes that answer 404 / UNIMPLEMENTED naming it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function otlpRoutes(wires: readonly OtlpSignalWire<any>[], exportOf: (signal: string) => ExportFunction<any>): ReceiverRoutes {
  const http: HttpRoute[] = [];
  const grpc: GrpcRoute[] = [];
  for (const wire of wires) {
    const exportBatch = exportOf(wire.signal);
    http.push({
      path: wire.httpPath,
      signal: wire.signal,
      mediaTypes: OTLP_MEDIA_TYPES,
      async handle({ mediaType, body }) {
        if (encodingOfContentType(mediaType) === 'protobuf') {
          const result = await exportBatch(wire.decodeProto(body));
          return { contentType: 'application/x-protobuf', body: wire.encodeResponseProto(result) };
        }
        const result = await exportBatch(wire.decodeJson(body.toString('utf8')));
        return { contentType: 'application/json', body: wire.encodeResponseJson(result) };
      },
    });
    grpc.push({
      path: wire.grpcPath,
      signal: wire.signal,
      handle: async (message) => wire.encodeResponseProto(await exportBatch(wire.decodeProto(message))),
    });
  }
  for (const known of OTLP_SIGNALS) {
    if (wires.some((w) => w.signal === known.signal)) continue;
    http.push({ path: known.httpPath, signal: known.signal });
    grpc.push({ path: known.grpcPath, signal: known.signal });
  }
  return { http, grpc };
}
