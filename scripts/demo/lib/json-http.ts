// A deliberately small JSON-over-HTTP server for the demo services: route matching with
// `:params`, body parsing, errors mapped to status codes, the RED histogram, /metrics and /health,
// and the low-cardinality `http.route` and span name that plain `node:http` cannot know.
// (A real service would use a framework; this keeps the demo's dependencies to what it shows.)
import http from 'node:http';
import { context, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { CORRELATION_ATTRIBUTE, CORRELATION_HEADER, getCorrelationId } from './correlation';
import { serveMetricsRequest } from './metrics';
import type { ServiceRuntime } from './service-runtime';

const MAX_BODY_BYTES = 64 * 1024;

/** A failure with the status it should answer: 4xx for the caller's mistakes, 5xx for ours. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteRequest {
  params: Record<string, string>;
  body: unknown;
}

export interface RouteResponse {
  status: number;
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST';
  /** e.g. `/orders/:id`; also the span name's and the metric's route label. */
  path: string;
  handle(request: RouteRequest): Promise<RouteResponse>;
}

export interface JsonServerOptions {
  /** Lets the gateway put a fresh correlation id into the context before the route runs. */
  contextFor?: (active: Context) => Context;
}

function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = pathname.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const part = parts[i]!;
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(part);
        return true;
      }
      return segment === part;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

export function createJsonServer(runtime: ServiceRuntime, routes: Route[], options: JsonServerOptions = {}): http.Server {
  const { log, metrics } = runtime;

  const respond = async (req: http.IncomingMessage, res: http.ServerResponse, started: bigint) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const matched = matchRoute(routes, method, url.pathname);
    const routeLabel = matched?.route.path ?? 'unmatched';
    const span = trace.getActiveSpan();
    span?.updateName(`${method} ${routeLabel}`);
    span?.setAttribute('http.route', routeLabel);
    const correlationId = getCorrelationId();
    if (correlationId) {
      span?.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
      res.setHeader(CORRELATION_HEADER, correlationId);
    }

    let status: number;
    let body: unknown;
    try {
      if (!matched) throw new HttpError(404, `no route for ${method} ${url.pathname}`);
      const result = await matched.route.handle({ params: matched.params, body: await readJson(req) });
      status = result.status;
      body = result.body;
    } catch (error) {
      status = error instanceof HttpError ? error.status : 500;
      body = { error: (error as Error).message };
      if (status >= 500) {
        span?.recordException(error as Error);
        span?.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));

    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.httpServerDuration.observe({ method, route: routeLabel, status_code: String(status) }, seconds);
    const fields = { route: routeLabel, method, status, duration_ms: Math.round(seconds * 1000) };
    if (status >= 500) log.error({ ...fields, error: (body as { error?: string }).error }, 'request failed');
    else log.info(fields, 'request completed');
  };

  return http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    void serveMetricsRequest(metrics.registry, req, res).then(async (served) => {
      if (served) return;
      const ctx = options.contextFor ? options.contextFor(context.active()) : context.active();
      await context.with(ctx, () => respond(req, res, started));
    }).catch((error: unknown) => {
      log.error({ err: error }, 'unhandled error while answering');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}

export function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
