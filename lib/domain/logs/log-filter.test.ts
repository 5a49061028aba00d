// The live tail's in-memory filter: each field alone, fields together (all must hold), and LogQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogQLError } from './logql/ast';
import { assertTailSafeRegex, compileLogFilter, type LogSource } from './log-filter';
import { emptyLogRecord, type LogRecord } from './model';

const api: LogSource = { serviceName: 'api', resourceAttributes: { 'service.name': 'api', 'deployment.environment': 'prod' } };
const cart: LogSource = { serviceName: 'cart', resourceAttributes: { 'service.name': 'cart', 'deployment.environment': 'dev' } };

function record(fields: Partial<LogRecord>): LogRecord {
  return { ...emptyLogRecord(), ...fields };
}

const paymentFailed = record({
  severityNumber: 17,
  body: '{"level":"error","msg":"Payment FAILED","status":502}',
  traceId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  correlationId: 'corr-1',
  attributes: { status: 502, retry: false, region: 'eu' },
});
const cartLoaded = record({ severityNumber: 9, body: 'level=info msg="cart loaded" items=3' });

test('no filter matches everything', () => {
  const match = compileLogFilter({});
  assert.ok(match(paymentFailed, api) && match(cartLoaded, cart));
});

test('each field alone', () => {
  assert.deepEqual(
    [compileLogFilter({ service: 'api' })(paymentFailed, api), compileLogFilter({ service: 'api' })(cartLoaded, cart)],
    [true, false],
  );
  const errors = compileLogFilter({ severities: ['error', 'fatal'] });
  assert.deepEqual([errors(paymentFailed, api), errors(cartLoaded, cart)], [true, false]);
  const text = compileLogFilter({ q: 'payment failed' });
  assert.deepEqual([text(paymentFailed, api), text(cartLoaded, cart)], [true, false], 'case-insensitive substring');
  assert.ok(compileLogFilter({ traceId: 'C0FFEE00C0FFEE00C0FFEE00C0FFEE00' })(paymentFailed, api), 'trace id in any case');
  assert.ok(!compileLogFilter({ traceId: 'c0ffee00c0ffee00c0ffee00c0ffee01' })(paymentFailed, api));
  assert.ok(compileLogFilter({ correlationId: 'corr-1' })(paymentFailed, api));
  assert.ok(!compileLogFilter({ correlationId: 'corr-1' })(cartLoaded, cart));
});

test('attributes: strings, numbers and booleans as the API reads them; every pair must hold', () => {
  const pairs = (...p: Array<[string, string]>) => compileLogFilter({ attributes: p.map(([key, value]) => ({ key, value })) });
  assert.ok(pairs(['status', '502'])(paymentFailed, api));
  assert.ok(pairs(['retry', 'false'], ['region', 'eu'])(paymentFailed, api));
  assert.ok(!pairs(['retry', 'false'], ['region', 'us'])(paymentFailed, api));
  assert.ok(!pairs(['status', '50'])(paymentFailed, api));
  assert.ok(!pairs(['missing', 'x'])(paymentFailed, api));
});

test('fields together: all must hold', () => {
  const match = compileLogFilter({ service: 'api', severities: ['error'], q: 'payment' });
  assert.ok(match(paymentFailed, api));
  assert.ok(!match(paymentFailed, cart), 'wrong service');
  assert.ok(!match(record({ ...paymentFailed, severityNumber: 13 }), api), 'wrong severity');
});

test('LogQL: selector on the stream labels, then the pipeline', () => {
  const prodErrors = compileLogFilter({ logql: '{deployment_environment="prod"} | json | status >= 500' });
  assert.ok(prodErrors(paymentFailed, api));
  assert.ok(!prodErrors(paymentFailed, cart), 'dev stream');
  assert.ok(!prodErrors(record({ body: '{"status":200}' }), api));
  const carts = compileLogFilter({ logql: '{service_name=~"ca.*"} |= "loaded"' });
  assert.ok(carts(cartLoaded, cart));
  assert.ok(!carts(cartLoaded, api));
  assert.throws(() => compileLogFilter({ logql: 'count_over_time({service_name="api"}[1m])' }), LogQLError);
  assert.throws(() => compileLogFilter({ logql: '{service_name=' }), LogQLError);
});

test('regexes that could backtrack exponentially on the ingest path are refused; ordinary ones pass', () => {
  for (const ok of ['timeout|refused', '.*error.*', '^GET /api/[a-z]+/\\d+$', '(GET|POST) /pay', 'a{2,5}b', '(ab)+', '[(+*)]+', 'x+?y']) {
    assert.doesNotThrow(() => assertTailSafeRegex(ok), ok);
  }
  for (const bad of ['(a+)+$', '(a|aa)*', '(x*y?){2,}', '((ab)*c)+', '(a)\\1', '(.*a){10}']) {
    assert.throws(() => assertTailSafeRegex(bad), LogQLError, bad);
  }
  assert.throws(() => compileLogFilter({ logql: '{service_name="api"} |~ "(a+)+$"' }), /refuses the regular expression/);
  assert.throws(() => compileLogFilter({ logql: '{service_name=~"(a|a)*"}' }), LogQLError);
  assert.doesNotThrow(() => compileLogFilter({ logql: '{service_name=~"api|cart"} |~ "time(out)?"' }));
});
