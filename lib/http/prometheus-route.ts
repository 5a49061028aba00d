// Route handlers of the Prometheus HTTP API: parameters from the query string and, for POST, a
// form-encoded body (Grafana POSTs long queries); zod → lib → `{status: "success", data}`; errors in
// Prometheus's shape `{status: "error", errorType, error}` with its status codes (bad_data 400,
// execution 422, unavailable 503 + Retry-After, internal 500).
import { SpanStatusCode } from '@opentelemetry/api';
import { z } from 'zod';
import { EnvError } from '../contracts/env';
import { PromqlError, type PromErrorType } from '../db/metrics/promql-port';
import { traceResponse } from '../telemetry/ui-tracing';
import { isDatabaseUnavailable, routeSpanName } from './route-errors';

const STATUS_OF: Record<PromErrorType, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 503,
  internal: 500,
  unavailable: 503,
  not_found: 404,
};

const HEADERS = { 'cache-control': 'no-store' };

export function promSuccess(data: unknown): Response {
  return Response.json({ status: 'success', data }, { headers: HEADERS });
}

export function promError(errorType: PromErrorType, error: string, status = STATUS_OF[errorType]): Response {
  const headers: Record<string, string> = { ...HEADERS };
  if (status === 503) headers['retry-after'] = '5';
  return Response.json({ status: 'error', errorType, error }, { status, headers });
}

/** Maps anything a handler throws to Prometheus's error shape. */
export function promErrorResponse(error: unknown): Response {
  if (error instanceof PromqlError) return promError(error.errorType, error.message);
  if (error instanceof z.ZodError) return promError('bad_data', error.issues.map((issue) => issue.message).join('; '));
  if (error instanceof EnvError) return promError('unavailable', `database not configured: ${error.message}`);
  if (isDatabaseUnavailable(error)) return promError('unavailable', 'database unavailable, try again shortly');
  console.error('meshlight prometheus api:', error);
  return promError('internal', 'internal error while evaluating the request');
}

/** The request's parameters: the query string plus, for a form-encoded POST, the body's. */
export async function requestParams(request: Request): Promise<URLSearchParams> {
  const params = new URL(request.url).searchParams;
  if (request.method !== 'POST') return params;
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    if ((await request.text()).length === 0) return params;
    throw new PromqlError('bad_data', 'POST bodies must be application/x-www-form-urlencoded');
  }
  const body = new URLSearchParams(await request.text());
  for (const [key, value] of body) params.append(key, value);
  return params;
}

type Handler<Ctx> = (params: URLSearchParams, context: Ctx) => Promise<unknown>;

/** GET and POST handlers for one API endpoint; the handler returns `data`. */
export function promRoute<Ctx>(handler: Handler<Ctx>) {
  const run = (request: Request, context: Ctx): Promise<Response> =>
    traceResponse(routeSpanName(request), { 'http.request.method': request.method }, async (span) => {
      let response: Response;
      try {
        response = promSuccess(await handler(await requestParams(request), context));
      } catch (error) {
        response = promErrorResponse(error);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      }
      span.setAttribute('http.response.status_code', response.status);
      return response;
    });
  return { GET: run, POST: run };
}
