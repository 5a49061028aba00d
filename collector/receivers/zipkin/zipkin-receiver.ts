// Zipkin's intake on its own port (MESHLIGHT_ZIPKIN_PORT, Zipkin's 9411), for services instrumented
// with Brave / Spring Cloud Sleuth / zipkin-js that still send the Zipkin model:
//   POST /api/v2/spans   application/json (v2 list) or application/x-protobuf (zipkin.proto3.ListOfSpans)
//   POST /api/v1/spans   application/json (v1 list; Thrift is not supported: 415)
// optionally gzip; answered 202 with no body, as Zipkin does. Decoded to a TraceBatch
// (zipkin-to-batch.ts) and handed to the same exportTraces() the OTLP receivers call, with the
// same body limits (pipeline/request-body.ts) and error mapping (pipeline/errors.ts): malformed
// 400, unsupported type 415, too large 413, queue full / database down 503 + Retry-After.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RECEIVER_DEFAULTS, type ReceiverLimits } from '../../../lib/contracts/collector-config';
import type { TraceBatch } from '../../../lib/domain/model';
import { PermanentError, statusForError } from '../../pipeline/errors';
import { decodeContentEncoding, readRawBody } from '../../pipeline/request-body';
import type { ExportResult } from '../../pipeline/signal';
import type { IngestTokens } from '../ingest-tokens';
import { applyCors, checkOrigin, createReceiverServer, errorHeaders, type ReceiverTls } from '../receiver-server';
import { decodeZipkinJsonV1, decodeZipkinJsonV2, decodeZipkinProto } from './decode-zipkin';
import { zipkinSpansToBatch, type ZipkinSpan } from './zipkin-to-batch';

export interface ZipkinReceiverOptions {
  maxBodyBytes: number;
  /** Origins allowed to send from a browser (zipkin-js in a page), as for OTLP/HTTP. */
  corsOrigins: '*' | readonly string[];
  /** Required on POST when any ingest token is configured, as on the OTLP ports. */
  tokens?: IngestTokens;
  limits?: ReceiverLimits;
  /** Serve HTTPS with this certificate. */
  tls?: ReceiverTls;
  exportTraces(batch: TraceBatch): ExportResult | Promise<ExportResult>;
}

function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

function decoderFor(path: string, type: string): (body: Buffer) => ZipkinSpan[] {
  if (path === '/api/v2/spans') {
    if (type === 'application/json') return (body) => decodeZipkinJsonV2(body.toString('utf8'));
    if (type === 'application/x-protobuf' || type === 'application/protobuf') return decodeZipkinProto;
  } else if (type === 'application/json') {
    return (body) => decodeZipkinJsonV1(body.toString('utf8'));
  }
  throw new PermanentError(
    'unsupported-media-type',
    `unsupported Content-Type "${type}" for ${path}; use application/json${path === '/api/v2/spans' ? ' or application/x-protobuf' : ''}`,
  );
}

export function createZipkinReceiver(options: ZipkinReceiverOptions): Server {
  return createReceiverServer(options.limits ?? RECEIVER_DEFAULTS, (request, response) => {
    handle(request, response, options).catch(() => response.destroy());
  }, options.tls);
}

async function handle(request: IncomingMessage, response: ServerResponse, options: ZipkinReceiverOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://zipkin').pathname;
  applyCors(request, response, options.corsOrigins);
  if (request.method === 'OPTIONS') {
    response.writeHead(204).end();
    return;
  }
  if (request.method === 'GET' && (path === '/health' || path === '/')) {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"UP","zipkin":{"status":"UP"}}');
    return;
  }
  try {
    checkOrigin(request, options.corsOrigins);
    options.tokens?.check(request.headers.authorization);
    if (path !== '/api/v2/spans' && path !== '/api/v1/spans') {
      throw new PermanentError('not-found', `no Zipkin endpoint at ${path}; send spans to POST /api/v2/spans`);
    }
    if (request.method !== 'POST') throw new PermanentError('method-not-allowed', `use POST for ${path}`);
    const decode = decoderFor(path, mediaType(request));
    const raw = await readRawBody(request, options.maxBodyBytes);
    const body = await decodeContentEncoding(raw, request.headers['content-encoding'], options.maxBodyBytes);
    const batch = zipkinSpansToBatch(decode(body));
    if (batch.spanCount === 0 && batch.rejectedSpans > 0) throw new PermanentError('malformed', batch.rejectionMessage);
    await options.exportTraces(batch);
    response.writeHead(202).end();
  } catch (error) {
    if (!request.complete) request.resume();
    const status = statusForError(error);
    const headers: Record<string, string> = { ...errorHeaders(status), 'content-type': 'text/plain; charset=utf-8' };
    response.writeHead(status.http, headers).end(status.message);
  }
}
