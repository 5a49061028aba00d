import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LOG_CORRELATION_KEYS } from '../domain/logs/correlation';
import { readLogsConfig } from './logs-config';

test('defaults, the shared retention as fallback, key lists, and clear errors', () => {
  assert.deepEqual(readLogsConfig({}).retentionDays, 7);
  assert.equal(readLogsConfig({ MESHLIGHT_RETENTION_DAYS: '3' }).retentionDays, 3);
  assert.equal(readLogsConfig({ MESHLIGHT_RETENTION_DAYS: '3', MESHLIGHT_LOGS_RETENTION_DAYS: '30' }).retentionDays, 30);
  assert.equal(readLogsConfig({ MESHLIGHT_LOGS_RETENTION_DAYS: '' }).retentionDays, 7);
  assert.deepEqual(readLogsConfig({}).correlationKeys, DEFAULT_LOG_CORRELATION_KEYS);
  assert.deepEqual(readLogsConfig({ MESHLIGHT_LOG_CORRELATION_KEYS: ' rid , txn.id ,' }).correlationKeys, ['rid', 'txn.id']);
  assert.throws(() => readLogsConfig({ MESHLIGHT_LOGS_RETENTION_DAYS: '0' }), /MESHLIGHT_LOGS_RETENTION_DAYS/);
  assert.throws(() => readLogsConfig({ MESHLIGHT_SPAN_CORRELATION_KEYS: ' , ' }), /name at least one key/);
});
