// The gRPC receiver (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc): one handler for every
// unary method in its table (routes.ts) — TraceService, MetricsService and LogsService Export —
// with our own (de)serializers, so the same wire decoders serve gRPC and HTTP. A method whose
// signal is not implemented yet answers UNIMPLEMENTED naming it. grpc-js handles gzip message
// compression; the receive limit applies after decompression.
import * as grpc from '@grpc/grpc-js';
import { GrpcCode, statusForError } from '../../pipeline/errors';
import type { IngestTokens } from '../ingest-tokens';
import type { GrpcRoute } from '../routes';

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const METRICS_EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
export const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

export interface GrpcReceiverOptions {
  maxBodyBytes: number;
  routes: readonly GrpcRoute[];
  /** Checked against the `authorization` metadata of every call when any token is configured. */
  tokens?: IngestTokens;
}

function methodDefinition(path: string): grpc.MethodDefinition<Buffer, Uint8Array> {
  return {
    path,
    requestStream: false,
    responseStream: false,
    // Keep the raw bytes: decoding happens in the handler so errors map to INVALID_ARGUMENT.
    requestDeserialize: (bytes: Buffer) => bytes,
    requestSerialize: (bytes: Buffer) => bytes,
    responseSerialize: (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    responseDeserialize: (bytes: Buffer) => bytes,
    originalName: 'export',
  };
}

export function createGrpcReceiver(options: GrpcReceiverOptions): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_concurrent_streams': 256,
  });
  for (const route of options.routes) {
    const method = route.path.slice(route.path.lastIndexOf('/') + 1);
    server.addService({ [method]: methodDefinition(route.path) }, {
      [method]: (call: grpc.ServerUnaryCall<Buffer, Uint8Array>, callback: grpc.sendUnaryData<Uint8Array>) => {
        void (async () => {
          try {
            const authorization = call.metadata.get('authorization')[0];
            options.tokens?.check(typeof authorization === 'string' ? authorization : undefined);
            if (!route.handle) {
              callback({ code: GrpcCode.UNIMPLEMENTED, details: `${route.signal} are not supported yet: ${route.path} is not served` });
              return;
            }
            callback(null, await route.handle(call.request));
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
  }
  return server;
}

export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
}
