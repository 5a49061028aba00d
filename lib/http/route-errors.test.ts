// One table for every error class the API routes can meet and the status it becomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, badRequest, notFound } from '../contracts/api-error';
import { EnvError } from '../contracts/env';
import { apiRoute, databaseProblem, describeError, errorResponse, isDatabaseUnavailable, jsonResponse, methodNotAllowed, uncompressed, wantsPrettyPrint } from './route-errors';

test('status mapping', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const cases: [string, unknown, number, string][] = [
    ['bad request', badRequest("parameter 'service' is required"), 400, "parameter 'service' is required"],
    ['not found', notFound('trace not found'), 404, 'trace not found'],
    ['teapot', new ApiError(418, 'short and stout'), 418, 'short and stout'],
    ['missing DATABASE_URL', new EnvError('DATABASE_URL is not set'), 503, 'database not configured: DATABASE_URL is not set'],
    ['connection refused', refused, 503, 'database unavailable, try again shortly'],
    ['wrapped refusal', new Error('query failed', { cause: refused }), 503, 'database unavailable, try again shortly'],
    ['Prisma P1001', Object.assign(new Error('x'), { code: 'P1001' }), 503, 'database unavailable, try again shortly'],
    ['SQLSTATE 08006', Object.assign(new Error('x'), { code: '08006' }), 503, 'database unavailable, try again shortly'],
    ['admin shutdown 57P01', Object.assign(new Error('x'), { code: '57P01' }), 503, 'database unavailable, try again shortly'],
    ['driver adapter kind', { kind: 'DatabaseNotReachable' }, 503, 'database unavailable, try again shortly'],
    ['syntax error 42601', Object.assign(new Error('syntax error at or near'), { code: '42601' }), 500, 'internal error while querying traces'],
    ['anything else', new TypeError('boom'), 500, 'internal error while querying traces'],
  ];
  for (const [name, error, status, msg] of cases) {
    const described = describeError(error);
    assert.equal(described.status, status, name);
    assert.deepEqual(described.body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: status, msg }] }, name);
  }
  assert.equal(isDatabaseUnavailable(null), false);
});

test('responses carry Jaeger error JSON, no-store, and Retry-After on 503', async () => {
  const unavailable = errorResponse(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.headers.get('retry-after'), '5');
  const missing = errorResponse(notFound('trace not found'));
  assert.equal(missing.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await missing.json(), { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] });
});

test('databaseProblem: one readable line for the UI', () => {
  assert.equal(databaseProblem(new EnvError('DATABASE_URL is not set')), 'DATABASE_URL is not set');
  assert.match(databaseProblem({ code: 'ECONNREFUSED' }), /not reachable/);
  assert.equal(databaseProblem(new Error('\nInvalid `prisma.$queryRawUnsafe()` invocation:\nmore')), 'Invalid `prisma.$queryRawUnsafe()` invocation:');
});

test('self-trace span names collapse ids so they stay low-cardinality', async () => {
  const { routeSpanName } = await import('./route-errors');
  assert.equal(routeSpanName(new Request('http://ui/api/traces/5b8efff798038103d269b633813fc60c?x=1')), 'GET /api/traces/{id}');
  assert.equal(routeSpanName(new Request('http://ui/api/services/orders/operations')), 'GET /api/services/orders/operations');
});

test('prettyPrint as Jaeger reads it: any value but empty or "false"', async () => {
  const req = (q: string) => new Request(`http://m.test/api/services${q}`);
  assert.deepEqual(['', '?prettyPrint=', '?prettyPrint=false', '?prettyPrint=true', '?prettyPrint=1'].map((q) => wantsPrettyPrint(req(q))), [false, false, false, true, true]);
  const handler = apiRoute(async () => jsonResponse({ data: [1], errors: null }));
  assert.equal(await (await handler(req('?prettyPrint=true'), {})).text(), '{\n    "data": [\n        1\n    ],\n    "errors": null\n}');
  assert.equal(await (await handler(req(''), {})).text(), '{"data":[1],"errors":null}');
});

test('API responses are marked no-transform so Next does not gzip them; other methods answer a JSON 405', async () => {
  assert.equal(uncompressed(jsonResponse({})).headers.get('cache-control'), 'no-store, no-transform');
  assert.equal(uncompressed(new Response('x')).headers.get('cache-control'), 'no-store, no-transform');
  const { POST } = methodNotAllowed('GET');
  const response = await POST(new Request('http://m.test/api/services', { method: 'POST' }), {});
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, HEAD, OPTIONS');
  assert.match(response.headers.get('cache-control')!, /no-transform/);
  const body = (await response.json()) as { errors: Array<{ code: number; msg: string }> };
  assert.equal(body.errors[0]!.code, 405);
  assert.match(body.errors[0]!.msg, /method POST not allowed on \/api\/services/);
});
