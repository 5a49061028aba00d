// The HTTP receiver: one handler for every route in its table (routes.ts) — OTLP/HTTP
// (https://opentelemetry.io/docs/specs/otlp/#otlphttp) `POST /v1/{traces,metrics,logs}` with
// binary protobuf or JSON, and any other ingest protocol's routes — plus the collector's own
// /health and /metrics. It reads the body within the size limit (before and after gzip/deflate),
// checks path, method and media type, and maps every error to its status in one place. Origin,
// CORS, the ingest token and the slow-client bounds are receiver-server.ts's, shared with Zipkin.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RECEIVER_DEFAULTS, type ReceiverLimits } from '../../../lib/contracts/collector-config';
import { PermanentError, statusForError, type WireStatus } from '../../pipeline/errors';
import { decodeContentEncoding, readRawBody } from '../../pipeline/request-body';
import type { IngestTokens } from '../ingest-tokens';
import { applyCors, checkOrigin, createReceiverServer, errorHeaders, type ReceiverTls } from '../receiver-server';
import type { HttpRoute } from '../routes';
import { encodeStatusJson, encodeStatusProto } from './encode-trace-response';

export type BodyEncoding = 'protobuf' | 'json';

export interface HttpReceiverOptions {
  maxBodyBytes: number;
  corsOrigins: '*' | readonly string[];
  /** Required on every route when any token is configured; /health, /metrics and OPTIONS stay open. */
  tokens?: IngestTokens;
  limits?: ReceiverLimits;
  /** Serve HTTPS with this certificate. */
  tls?: ReceiverTls;
  routes: readonly HttpRoute[];
  /** Prometheus text for GET /metrics. */
  metricsText(): string;
  health(): { status: 'ok' | 'degraded'; [key: string]: unknown };
}

export function encodingOfContentType(contentType: string | undefined): BodyEncoding | undefined {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function createHttpReceiver(options: HttpReceiverOptions): Server {
  const routes = new Map(options.routes.map((route) => [route.path, route]));
  const known = options.routes.filter((r) => r.handle).map((r) => r.path);
  return createReceiverServer(options.limits ?? RECEIVER_DEFAULTS, (request, response) => {
    handle(request, response, options, routes, known).catch((error) => {
      // handle() answers every error it can; this is for a response that broke mid-way.
      if (!response.headersSent) respondError(response, undefined, '', error);
      else response.destroy();
    });
  }, options.tls);
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: HttpReceiverOptions,
  routes: Map<string, HttpRoute>,
  known: string[],
): Promise<void> {
  applyCors(request, response, options.corsOrigins);
  const url = new URL(request.url ?? '/', 'http://collector');
  if (request.method === 'OPTIONS') {
    response.writeHead(204).end();
    return;
  }
  if (request.method === 'GET' && url.pathname === '/metrics') {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(options.metricsText());
    return;
  }
  if (request.method === 'GET' && (url.pathname === '/health' || url.pathname === '/')) {
    const health = options.health();
    response.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health));
    return;
  }
  const mediaType = mediaTypeOf(request.headers['content-type']);
  const route = routes.get(url.pathname);
  try {
    // Before the body is read: a refused sender costs no decoding.
    checkOrigin(request, options.corsOrigins);
    options.tokens?.check(request.headers.authorization);
    if (!route) throw new PermanentError('not-found', `no endpoint at ${url.pathname}; send data to ${known.join(', ')}`);
    if (!route.handle) throw new PermanentError('not-found', `${route.signal} are not supported yet: nothing is served at ${url.pathname}`);
    const method = route.method ?? 'POST';
    if (request.method !== method) throw new PermanentError('method-not-allowed', `use ${method} for ${url.pathname}`);
    if (route.mediaTypes && !route.mediaTypes.includes(mediaType)) {
      throw new PermanentError(
        'unsupported-media-type',
        `unsupported Content-Type "${request.headers['content-type'] ?? ''}"; use ${route.mediaTypes.join(' or ')}`,
      );
    }
    const contentEncoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase() || 'identity';
    const raw = await readRawBody(request, options.maxBodyBytes);
    const body = route.ownEncodings?.includes(contentEncoding) ? raw : await decodeContentEncoding(raw, contentEncoding, options.maxBodyBytes);
    const answer = await route.handle({ url, headers: request.headers, mediaType, body, contentEncoding });
    response.writeHead(answer.status ?? 200, { ...answer.headers, 'content-type': answer.contentType }).end(answer.body);
  } catch (error) {
    // The body may be unread (refused early); stop reading it rather than buffering it for nothing.
    if (!request.complete) request.resume();
    respondError(response, route, mediaType, error);
  }
}

function respondError(response: ServerResponse, route: HttpRoute | undefined, mediaType: string, error: unknown): void {
  const status = statusForError(error);
  const { contentType, body } = route?.errorBody?.(status, mediaType) ?? rpcStatusBody(status, mediaType);
  const headers: Record<string, string> = { ...errorHeaders(status), 'content-type': contentType };
  response.writeHead(status.http, headers).end(body);
}

/** OTLP's failure body: google.rpc.Status, protobuf when the request was protobuf, else JSON. */
export function rpcStatusBody(status: WireStatus, mediaType: string): { contentType: string; body: string | Uint8Array } {
  return encodingOfContentType(mediaType) === 'protobuf'
    ? { contentType: 'application/x-protobuf', body: encodeStatusProto(status.grpc, status.message) }
    : { contentType: 'application/json', body: encodeStatusJson(status.grpc, status.message) };
}
