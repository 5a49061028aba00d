// OTLP/HTTP transport (https://opentelemetry.io/docs/specs/otlp/#otlphttp): POST /v1/traces with
// binary protobuf or JSON, optionally gzip-compressed; the response uses the request's encoding.
// Also serves the collector's own /health and /metrics. Everything else is the shared pipeline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TraceBatch } from '../../../lib/domain/model';
import { PermanentError, statusForError } from '../../pipeline/errors';
import { decodeContentEncoding, readRawBody } from '../../pipeline/request-body';
import type { ExportResult } from '../../pipeline/trace-consumer';
import { decodeTraceRequestJson } from './decode-trace-json';
import { decodeTraceRequestProto } from './decode-trace-proto';
import {
  encodeStatusJson,
  encodeStatusProto,
  encodeTraceResponseJson,
  encodeTraceResponseProto,
} from './encode-trace-response';

export type BodyEncoding = 'protobuf' | 'json';

export interface HttpReceiverOptions {
  maxBodyBytes: number;
  corsOrigins: '*' | string[];
  exportTraces(batch: TraceBatch): ExportResult | Promise<ExportResult>;
  /** Prometheus text for GET /metrics. */
  metricsText(): string;
  health(): { status: 'ok' | 'degraded'; [key: string]: unknown };
}

const CONTENT_TYPE: Record<BodyEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export function encodingOfContentType(contentType: string | undefined): BodyEncoding | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

const SIGNAL_PATHS = new Set(['/v1/traces', '/v1/metrics', '/v1/logs']);

export function createHttpReceiver(options: HttpReceiverOptions): Server {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error) => {
      // handle() answers every error it can; this is for a response that broke mid-way.
      if (!response.headersSent) respondError(response, 'json', error);
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 60_000;
  return server;
}

async function handle(request: IncomingMessage, response: ServerResponse, options: HttpReceiverOptions): Promise<void> {
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
  const encoding = encodingOfContentType(request.headers['content-type']) ?? 'json';
  try {
    if (!SIGNAL_PATHS.has(url.pathname)) throw new PermanentError('not-found', `no OTLP endpoint at ${url.pathname}; send traces to /v1/traces`);
    if (url.pathname !== '/v1/traces') throw new PermanentError('not-found', `${url.pathname} is not supported yet; only /v1/traces is`);
    if (request.method !== 'POST') throw new PermanentError('method-not-allowed', `use POST for ${url.pathname}`);
    const requestEncoding = encodingOfContentType(request.headers['content-type']);
    if (!requestEncoding) {
      throw new PermanentError(
        'unsupported-media-type',
        `unsupported Content-Type "${request.headers['content-type'] ?? ''}"; use application/x-protobuf or application/json`,
      );
    }
    const raw = await readRawBody(request, options.maxBodyBytes);
    const body = await decodeContentEncoding(raw, request.headers['content-encoding'], options.maxBodyBytes);
    const batch = requestEncoding === 'protobuf' ? decodeTraceRequestProto(body) : decodeTraceRequestJson(body.toString('utf8'));
    const result = await options.exportTraces(batch);
    const payload = requestEncoding === 'protobuf' ? encodeTraceResponseProto(result) : encodeTraceResponseJson(result);
    response.writeHead(200, { 'content-type': CONTENT_TYPE[requestEncoding] }).end(payload);
  } catch (error) {
    // The body may be unread (refused early); stop reading it rather than buffering it for nothing.
    if (!request.complete) request.resume();
    respondError(response, encoding, error);
  }
}

function respondError(response: ServerResponse, encoding: BodyEncoding, error: unknown): void {
  const status = statusForError(error);
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE[encoding] };
  if (status.retryAfterSeconds !== undefined) headers['retry-after'] = String(status.retryAfterSeconds);
  if (status.http === 413) headers.connection = 'close';
  const body = encoding === 'protobuf' ? encodeStatusProto(status.grpc, status.message) : encodeStatusJson(status.grpc, status.message);
  response.writeHead(status.http, headers).end(body);
}

function applyCors(request: IncomingMessage, response: ServerResponse, allowed: '*' | string[]): void {
  const origin = request.headers.origin;
  if (!origin) return;
  if (allowed !== '*' && !allowed.includes(origin)) return;
  response.setHeader('access-control-allow-origin', allowed === '*' ? '*' : origin);
  if (allowed !== '*') response.setHeader('vary', 'Origin');
  response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
  response.setHeader('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'content-type, content-encoding');
  response.setHeader('access-control-max-age', '86400');
}
