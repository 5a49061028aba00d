import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvError, collectorOtlpHttpEndpoint, parseUiEnv } from './env';

test('DATABASE_URL is required and must be a postgresql URL', () => {
  assert.deepEqual(parseUiEnv({ DATABASE_URL: 'postgresql://u@h:5432/db' }), { DATABASE_URL: 'postgresql://u@h:5432/db' });
  assert.throws(() => parseUiEnv({}), (error: unknown) => error instanceof EnvError && /DATABASE_URL is not set/.test(error.message));
  assert.throws(() => parseUiEnv({ DATABASE_URL: 'mysql://x' }), /must be a postgresql:\/\/ URL/);
});

test('the OTLP endpoint shown to users', () => {
  assert.equal(collectorOtlpHttpEndpoint({}), 'http://localhost:4318');
  assert.equal(collectorOtlpHttpEndpoint({ MESHLIGHT_COLLECTOR_OTLP_HTTP: 'http://127.0.0.1:14318' }), 'http://localhost:14318');
  assert.equal(collectorOtlpHttpEndpoint({ MESHLIGHT_COLLECTOR_OTLP_HTTP: 'http://otel.internal:4318' }), 'http://otel.internal:4318');
  assert.equal(collectorOtlpHttpEndpoint({ MESHLIGHT_COLLECTOR_OTLP_HTTP: 'not a url' }), 'http://localhost:4318');
});
