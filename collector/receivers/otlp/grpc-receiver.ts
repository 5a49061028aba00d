// The gRPC receiver (https://opentelemetry.io/docs/specs/otlp/#otlpgrpc): one handler for every
// unary method in its table (routes.ts) — TraceService, MetricsService and LogsService Export —
// with our own (de)serializers, so the same wire decoders serve gRPC and HTTP. A method whose
// signal is not implemented yet answers UNIMPLEMENTED naming it. grpc-js handles gzip message
// compression; the receive limit applies after decompression.
//
// Connections are accepted by our own net.Server and handed to grpc-js (createConnectionInjector),
// so the slow-client bounds hold here as on the HTTP ports: at most maxConnections open, the
// HTTP/2 preface within headersTimeoutMs (a client sending a byte every few seconds is cut), a
// connection without calls closed after idleTimeoutMs, and keepalive pings for dead peers.
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { RECEIVER_DEFAULTS, type ReceiverLimits } from '../../../lib/contracts/collector-config';
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
  limits?: ReceiverLimits;
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

/**
 * A deadline per call (stream) for its request to have arrived whole: an Export whose message
 * trickles in inside an open HTTP/2 stream (a byte every few seconds keeps the connection busy, so
 * the idle bound never fires) is answered DEADLINE_EXCEEDED after `ms`, as an HTTP request body
 * is answered 408 after the request timeout. Calls whose message arrived are not limited by it.
 */
export function requestDeadline(ms: number): grpc.ServerInterceptor {
  return (_method, call) => {
    let timer: NodeJS.Timeout | undefined;
    const clear = () => clearTimeout(timer);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        timer = setTimeout(() => {
          call.sendStatus({ code: grpc.status.DEADLINE_EXCEEDED, details: `the request did not arrive within ${ms} ms (MESHLIGHT_RECEIVER_REQUEST_TIMEOUT_MS)` });
        }, ms);
        timer.unref();
        next({
          onReceiveMessage: (message, nextMessage) => {
            clear();
            nextMessage(message);
          },
          onCancel: clear,
        });
      },
      sendStatus: (status, next) => {
        clear();
        next(status);
      },
    });
  };
}

export function createGrpcReceiver(options: GrpcReceiverOptions): grpc.Server {
  const server = new grpc.Server({
    interceptors: [requestDeadline((options.limits ?? RECEIVER_DEFAULTS).requestTimeoutMs)],
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_concurrent_streams': 256,
    'grpc.max_connection_idle_ms': (options.limits ?? RECEIVER_DEFAULTS).idleTimeoutMs,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
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

/** The HTTP/2 client preface ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") and one frame header. */
const PREFACE_BYTES = 24 + 9;

export interface GrpcListener {
  port: number;
  /** The TCP listener (its 'connection' and 'drop' events count connections). */
  server: NetServer;
  /** Stops accepting connections (the grpc.Server's shutdown closes the open ones). */
  close(): void;
}

export function bindGrpc(
  server: grpc.Server,
  host: string,
  port: number,
  limits: ReceiverLimits = RECEIVER_DEFAULTS,
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<GrpcListener> {
  const injector = server.createConnectionInjector(credentials);
  const listener: NetServer = createNetServer((socket) => {
    // bytesRead counts what reached the socket even though the HTTP/2 session reads it natively.
    const deadline = setTimeout(() => {
      if (socket.bytesRead < PREFACE_BYTES) socket.destroy();
    }, limits.headersTimeoutMs);
    deadline.unref();
    socket.once('close', () => clearTimeout(deadline));
    socket.on('error', () => socket.destroy());
    injector.injectConnection(socket);
  });
  listener.maxConnections = limits.maxConnections;
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host.replace(/^\[|\]$/g, ''), () => {
      listener.off('error', reject);
      resolve({ port: (listener.address() as { port: number }).port, server: listener, close: () => listener.close() });
    });
  });
}
