// One table for every error class the API routes can meet and the status it becomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, badRequest, notFound } from '../contracts/api-error';
import { EnvError } from '../contracts/env';
import { databaseProblem, describeError, errorResponse, isDatabaseUnavailable } from './route-errors';

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
