import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIngestTokens, readCollectorConfig } from '../../lib/contracts/collector-config';
import { PermanentError } from '../pipeline/errors';
import { IngestTokens, openIngestWarning, tokenOf, wwwAuthenticate } from './ingest-tokens';

const TOKEN = 'abcdefghijklmnop-1';

test('tokenOf: Bearer, or Basic with the token as the password; anything else is no token', () => {
  assert.equal(tokenOf(`Bearer ${TOKEN}`), TOKEN);
  assert.equal(tokenOf(`bearer   ${TOKEN} `), TOKEN);
  assert.equal(tokenOf(`Basic ${Buffer.from(`promtail:${TOKEN}`).toString('base64')}`), TOKEN);
  assert.equal(tokenOf(`Basic ${Buffer.from('user-only').toString('base64')}`), null);
  assert.equal(tokenOf(`Token ${TOKEN}`), null);
  assert.equal(tokenOf('Bearer a b'), null);
  assert.equal(tokenOf(undefined), null);
});

test('no tokens configured: nothing required; configured: missing and wrong tokens are PermanentError(unauthenticated)', () => {
  const open = new IngestTokens({ tokens: [] });
  assert.equal(open.required, false);
  open.check(undefined);
  const guarded = new IngestTokens({ tokens: [TOKEN, 'second-token-xxxxxxxx'] });
  assert.equal(guarded.required, true);
  guarded.check(`Bearer ${TOKEN}`);
  guarded.check('Bearer second-token-xxxxxxxx');
  assert.throws(() => guarded.check(undefined), (e: unknown) => e instanceof PermanentError && e.reason === 'unauthenticated' && /required/.test(e.message));
  assert.throws(() => guarded.check(`Bearer ${TOKEN}x`), /invalid ingest token/);
  assert.equal(wwwAuthenticate('invalid ingest token'), 'Bearer realm="meshlight-ingest", error="invalid_token"');
});

test('MESHLIGHT_INGEST_TOKENS: comma-separated, each ≥ 16 characters; a short one stops start-up', () => {
  assert.deepEqual(readCollectorConfig({ MESHLIGHT_INGEST_TOKENS: ` ${TOKEN} , second-token-xxxxxxxx ` }).access.ingestTokens, [TOKEN, 'second-token-xxxxxxxx']);
  assert.deepEqual(readCollectorConfig({}).access.ingestTokens, []);
  assert.throws(() => readCollectorConfig({ MESHLIGHT_INGEST_TOKENS: 'short' }), /at least 16 characters/);
  assert.deepEqual(parseIngestTokens(`# comment\n\n${TOKEN}\r\n`, /[\r\n]+/, 'file'), [TOKEN]);
});

test('a loud warning for receivers beyond loopback without tokens', () => {
  assert.equal(openIngestWarning('127.0.0.1', false), null);
  assert.equal(openIngestWarning('0.0.0.0', true), null);
  assert.match(openIngestWarning('0.0.0.0', false) ?? '', /WARNING.*MESHLIGHT_INGEST_TOKENS/);
});

test('CORS default: none; receiver limits default and configurable', () => {
  assert.deepEqual(readCollectorConfig({}).corsOrigins, []);
  assert.equal(readCollectorConfig({ MESHLIGHT_CORS_ORIGINS: '*' }).corsOrigins, '*');
  const limits = readCollectorConfig({ MESHLIGHT_RECEIVER_HEADERS_TIMEOUT_MS: '2000', MESHLIGHT_RECEIVER_MAX_CONNECTIONS: '50' }).receiverLimits;
  assert.deepEqual(limits, { headersTimeoutMs: 2000, requestTimeoutMs: 60_000, idleTimeoutMs: 65_000, maxConnections: 50 });
});

test('TLS: certificate and key files are set together', () => {
  assert.equal(readCollectorConfig({}).tls, undefined);
  assert.deepEqual(readCollectorConfig({ MESHLIGHT_TLS_CERT_FILE: '/c.pem', MESHLIGHT_TLS_KEY_FILE: '/k.pem' }).tls, { certFile: '/c.pem', keyFile: '/k.pem' });
  assert.throws(() => readCollectorConfig({ MESHLIGHT_TLS_CERT_FILE: '/c.pem' }), /set together/);
});
