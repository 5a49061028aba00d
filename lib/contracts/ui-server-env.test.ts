import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readUiServerLimits, UI_SERVER_DEFAULTS } from './ui-server-env';

test('unset or empty UI bounds take the defaults', () => {
  assert.deepEqual(readUiServerLimits({}), UI_SERVER_DEFAULTS);
  assert.deepEqual(readUiServerLimits({ MESHLIGHT_UI_MAX_CONNECTIONS: '' }), UI_SERVER_DEFAULTS);
});

test('configured UI bounds are read as integers', () => {
  const limits = readUiServerLimits({
    MESHLIGHT_UI_HEADERS_TIMEOUT_MS: '2000',
    MESHLIGHT_UI_REQUEST_TIMEOUT_MS: '30000',
    MESHLIGHT_UI_IDLE_TIMEOUT_MS: '5000',
    MESHLIGHT_UI_MAX_CONNECTIONS: '64',
  });
  assert.deepEqual(limits, { headersTimeoutMs: 2000, requestTimeoutMs: 30_000, idleTimeoutMs: 5000, maxConnections: 64 });
});

test('a bad UI bound stops start-up with a message naming the variable', () => {
  assert.throws(() => readUiServerLimits({ MESHLIGHT_UI_MAX_CONNECTIONS: 'lots' }), /MESHLIGHT_UI_MAX_CONNECTIONS/);
  assert.throws(() => readUiServerLimits({ MESHLIGHT_UI_HEADERS_TIMEOUT_MS: '-5' }), /MESHLIGHT_UI_HEADERS_TIMEOUT_MS/);
});
