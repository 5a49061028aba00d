// OTLP/gRPC transport (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc): the TraceService
// Export method with our own (de)serializers, so the same wire decoder serves gRPC and HTTP.
// grpc-js handles gzip message compression; the receive limit applies after decompression.
import * as grpc from '@grpc/grpc-js';
import type { TraceBatch } from '../../../lib/domain/model';
import { statusForError } from '../../pipeline/errors';
import type { ExportResult } from '../../pipeline/trace-consumer';
import { decodeTraceRequestProto } from './decode-trace-proto';
import { encodeTraceResponseProto } from './encode-trace-response';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface GrpcReceiverOptions {
  maxBodyBytes: number;
  exportTraces(batch: TraceBatch): ExportResult | Promise<ExportResult>;
}

const traceServiceDefinition: grpc.ServiceDefinition = {
  Export: {
    path: TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    // Keep the raw bytes: decoding happens in the handler so errors map to INVALID_ARGUMENT.
    requestDeserialize: (bytes: Buffer) => bytes,
    requestSerialize: (bytes: Buffer) => bytes,
    responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    responseDeserialize: (bytes: Buffer) => bytes,
    originalName: 'export',
  },
};

export function createGrpcReceiver(options: GrpcReceiverOptions): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_concurrent_streams': 256,
  });
  server.addService(traceServiceDefinition, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
      void (async () => {
        try {
          const batch = decodeTraceRequestProto(call.request);
          callback(null, encodeTraceResponseProto(await options.exportTraces(batch)));
        } catch (error) {
          const status = statusForError(error);
          const metadata = new grpc.Metadata();
          if (status.retryAfterSeconds !== undefined) {
            // grpc-js clients honour this pushback header as the retry delay.
            metadata.set('grpc-retry-pushback-ms', String(status.retryAfterSeconds * 1000));
          }
          callback({ code: status.grpc, details: status.message, metadata });
        }
      })();
    },
  });
  return server;
}

export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
}
