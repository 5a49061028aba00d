// The table a receiver serves: HTTP routes by exact path, gRPC methods by full path, each naming
// the signal it belongs to. A route turns a request body into a response and nothing else: reading
// and bounding the body, Content-Encoding, CORS, error statuses and bodies, and 404/405/415 are the
// receiver's. OTLP signals make their routes with otlpRoutes() (otlp/otlp-signals.ts); any other
// protocol (Prometheus remote_write, Loki push, JSON lines, Zipkin) adds routes of its own here,
// with whatever path, media types and encodings it needs.
import type { IncomingHttpHeaders } from 'node:http';
import type { WireStatus } from '../pipeline/errors';

export interface HttpRouteRequest {
  url: URL;
  headers: IncomingHttpHeaders;
  /** The Content-Type's media type, lowercased, without parameters ('' when absent). */
  mediaType: string;
  /**
   * The body, bounded by the receiver's limit, after gzip/deflate Content-Encoding; raw when the
   * encoding is one the route decodes itself (see `ownEncodings`).
   */
  body: Buffer;
  /** The request's Content-Encoding, lowercased ('identity' when absent). */
  contentEncoding: string;
}

export interface HttpRouteResponse {
  /** Default 200. */
  status?: number;
  contentType: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface HttpRoute {
  /** Exact path, e.g. `/v1/traces`, `/api/v1/write`, `/loki/api/v1/push`. */
  path: string;
  /** The signal the route feeds (`traces`, `metrics`, `logs`), for messages. */
  signal: string;
  /** Default POST; others answer 405. */
  method?: 'POST' | 'PUT' | 'GET';
  /** Media types accepted (lowercase); others answer 415. Undefined accepts any. */
  mediaTypes?: readonly string[];
  /** Content-Encodings the route decodes itself (the body is handed over raw), e.g. `snappy`. */
  ownEncodings?: readonly string[];
  /**
   * Undefined for a signal that is known but not implemented yet: the path answers 404 naming it.
   * Throw PermanentError/RetryableError (lib/otlp/errors.ts) for failures; the receiver maps them.
   */
  handle?(request: HttpRouteRequest): HttpRouteResponse | Promise<HttpRouteResponse>;
  /** The error body in the route's own format; default: google.rpc.Status (JSON, or protobuf when the request was). */
  errorBody?(status: WireStatus, mediaType: string): { contentType: string; body: string | Uint8Array };
}

export interface GrpcRoute {
  /** The method's full path: `/opentelemetry.proto.collector.trace.v1.TraceService/Export`. */
  path: string;
  signal: string;
  /** Undefined for a signal not implemented yet: answers UNIMPLEMENTED naming it. */
  handle?(message: Buffer): Uint8Array | Promise<Uint8Array>;
}

export interface ReceiverRoutes {
  http: HttpRoute[];
  grpc: GrpcRoute[];
}
