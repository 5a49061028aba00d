// The one error mapper of the UI server's API routes: an ApiError keeps its status and message,
// a database that cannot be reached (or is not configured) is 503 so clients retry, anything else
// is a 500 whose details stay in the server log. Bodies use Jaeger's error envelope.
import { SpanStatusCode } from '@opentelemetry/api';
import { traceResponse } from '../telemetry/ui-tracing';
import { ApiError } from '../contracts/api-error';
import { EnvError } from '../contracts/env';
import { jaegerErrorEnvelope } from '../jaeger/response';

// Connection-level failures: Node socket errors, Prisma's "can't reach / timed out / closed",
// SQLSTATE class 08 (connection exception), 57P0x (server shutting down, cannot connect now) and
// 3D000 (the configured database does not exist).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'P1001', 'P1002', 'P1008', 'P1017']);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * True when the error, or one it wraps, says the database is unreachable rather than the query
 * wrong. Prisma wraps driver errors as `meta.driverAdapterError` whose `cause` has a `kind`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const pending: unknown[] = [error];
  for (let visited = 0; pending.length > 0 && visited < 12; visited++) {
    const current = pending.shift();
    if (!current || typeof current !== 'object') continue;
    const { code, kind, originalCode, message, cause, meta } = current as Record<string, unknown>;
    for (const value of [code, originalCode]) {
      if (typeof value !== 'string') continue;
      if (UNAVAILABLE_CODES.has(value) || /^08[0-9A-Z]{3}$/.test(value) || /^57P0[1-3]$/.test(value) || value === '3D000') {
        return true;
      }
    }
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && /Can't reach database server|connect ECONNREFUSED|Connection terminated/.test(message)) {
      return true;
    }
    pending.push(cause, (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError);
  }
  return false;
}

/** One line for a person: why a page could not read the database. */
export function databaseProblem(error: unknown): string {
  if (error instanceof EnvError) return error.message;
  if (isDatabaseUnavailable(error)) return 'PostgreSQL is not reachable, or the database in DATABASE_URL does not exist.';
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

export interface ErrorResponseSpec {
  status: number;
  body: ReturnType<typeof jaegerErrorEnvelope>;
}

export function describeError(error: unknown): ErrorResponseSpec {
  if (error instanceof ApiError) {
    return { status: error.status, body: jaegerErrorEnvelope(error.status, error.message, error.traceId) };
  }
  if (error instanceof EnvError) {
    return { status: 503, body: jaegerErrorEnvelope(503, `database not configured: ${error.message}`) };
  }
  if (isDatabaseUnavailable(error)) {
    return { status: 503, body: jaegerErrorEnvelope(503, 'database unavailable, try again shortly') };
  }
  return { status: 500, body: jaegerErrorEnvelope(500, 'internal error while querying traces') };
}

export function errorResponse(error: unknown): Response {
  const { status, body } = describeError(error);
  if (status === 503) console.warn(`meshlight api: ${body.errors?.[0]?.msg}`);
  else if (status >= 500) console.error('meshlight api:', error);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (status === 503) headers['retry-after'] = '5';
  return Response.json(body, { status, headers });
}

/** A low-cardinality span name for a request: ids in the path become `{id}`. */
export function routeSpanName(request: Request): string {
  const path = new URL(request.url).pathname.replace(/\/[0-9a-fA-F]{16,32}(?=\/|$)/g, '/{id}');
  return `${request.method} ${path}`;
}

/**
 * Wraps a route handler so every failure goes through errorResponse(), and a sample of requests
 * is traced as Meshlight's own `meshlight` service (lib/telemetry/ui-tracing.ts).
 */
export function apiRoute<Ctx>(handler: (request: Request, context: Ctx) => Promise<Response>) {
  return (request: Request, context: Ctx): Promise<Response> =>
    traceResponse(routeSpanName(request), { 'http.request.method': request.method }, async (span) => {
      let response: Response;
      try {
        response = await handler(request, context);
      } catch (error) {
        response = errorResponse(error);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      }
      span.setAttribute('http.response.status_code', response.status);
      if (wantsPrettyPrint(request)) response = await prettyPrinted(response);
      return uncompressed(response);
    });
}

/**
 * Marks an API response `no-transform`, which Next's gzip (next.config.js `compress`) honours:
 * pages and static assets are compressed, API bodies are not (gzip of a 10,000-span trace's 18 MB
 * costs more than its query; a reverse proxy can still compress them).
 */
export function uncompressed(response: Response): Response {
  const cacheControl = response.headers.get('cache-control');
  if (cacheControl?.includes('no-transform')) return response;
  try {
    response.headers.set('cache-control', cacheControl ? `${cacheControl}, no-transform` : 'no-store, no-transform');
  } catch {
    // immutable headers (a proxied response): leave them
  }
  return response;
}

/** Jaeger's `prettyPrint` parameter: any value but empty or "false" (http_handler.go writeJSON). */
export function wantsPrettyPrint(request: Request): boolean {
  const value = new URL(request.url).searchParams.get('prettyPrint');
  return value !== null && value !== '' && value !== 'false';
}

/** The same JSON response indented by four spaces, as jaeger-query pretty-prints; other bodies as they are. */
export async function prettyPrinted(response: Response): Promise<Response> {
  if (!response.headers.get('content-type')?.includes('application/json') || response.body === null) return response;
  const text = await response.text();
  let body: string;
  try {
    body = JSON.stringify(JSON.parse(text), null, 4);
  } catch {
    body = text;
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

type RouteHandler = (request: Request, context: unknown) => Promise<Response>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Handlers answering a route's other methods with a Jaeger-shaped 405 and an `Allow` header
 * (Next's own 405 has no body, which Jaeger clients print as an empty error). Use as
 * `export const { POST, PUT, PATCH, DELETE } = methodNotAllowed('GET');`.
 */
export function methodNotAllowed(...allowed: Method[]): Record<Method, RouteHandler> {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  const handler = apiRoute(async (request: Request) => {
    const path = new URL(request.url).pathname;
    return Response.json(jaegerErrorEnvelope(405, `method ${request.method} not allowed on ${path}; allowed: ${allow}`), {
      status: 405,
      headers: { allow, 'cache-control': 'no-store' },
    });
  }) as RouteHandler;
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

export const JSON_STREAM_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

/** A JSON body produced lazily, chunk by chunk (see lib/jaeger/rows-to-jaeger.ts). */
export function jsonStreamResponse(chunks: Iterator<Uint8Array>, status = 200): Response {
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  return new Response(stream, { status, headers: JSON_STREAM_HEADERS });
}
