import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveEndpointFromEnv, liveSocketUrl } from './live-endpoint';
import { graphDeltaMessage, parseLiveMessage, toGraphDelta } from './live-messages';

const page = { protocol: 'http:', hostname: 'meshlight.lan' };

test('the live endpoint follows the collector the launcher names, on the page’s host', () => {
  const local = liveEndpointFromEnv({ MESHLIGHT_COLLECTOR_OTLP_HTTP: 'http://127.0.0.1:14318' });
  assert.deepEqual(local, { port: 14318 });
  assert.equal(liveSocketUrl(local, page), 'ws://meshlight.lan:14318/live');
  assert.equal(liveSocketUrl(local, { protocol: 'https:', hostname: '::1' }), 'wss://[::1]:14318/live');
  const remote = liveEndpointFromEnv({ MESHLIGHT_COLLECTOR_OTLP_HTTP: 'http://otel.internal:4318' });
  assert.equal(liveSocketUrl(remote, page), 'ws://otel.internal:4318/live');
  assert.equal(liveSocketUrl(liveEndpointFromEnv({}), page), 'ws://meshlight.lan:4318/live');
  const explicit = liveEndpointFromEnv({ MESHLIGHT_LIVE_URL: 'wss://meshlight.example.com/collector/live', MESHLIGHT_COLLECTOR_OTLP_HTTP: 'http://127.0.0.1:1' });
  assert.equal(liveSocketUrl(explicit, page), 'wss://meshlight.example.com/collector/live');
  assert.deepEqual(liveEndpointFromEnv({ MESHLIGHT_LIVE_URL: 'http://wrong' }), { port: 4318 });
  // A collector with TLS on its receivers (MESHLIGHT_TLS_CERT_FILE): wss even from an http page.
  assert.equal(liveSocketUrl(liveEndpointFromEnv({ MESHLIGHT_COLLECTOR_OTLP_HTTP: 'https://127.0.0.1:14318' }), page), 'wss://meshlight.lan:14318/live');
});

test('live messages are validated; deltas travel as node ids and come back as references', () => {
  const text = JSON.stringify({
    type: 'graph-delta',
    seq: 3,
    atMs: 1000,
    edges: [{ source: 'service:a', target: 'database:postgresql/shop', type: 'database', env: 'prod', calls: 2, errors: 1 }],
    services: [{ service: 'a', env: 'prod', calls: 5, errors: 0 }],
  });
  const message = parseLiveMessage(text);
  assert.equal(message?.type, 'graph-delta');
  const delta = toGraphDelta(graphDeltaMessage.parse(JSON.parse(text)));
  assert.deepEqual(delta.edges[0]!.target, { kind: 'database', name: 'postgresql/shop' });
  assert.equal(parseLiveMessage('{"type":"graph-delta","seq":1}'), undefined);
  assert.equal(parseLiveMessage('not json'), undefined);
  assert.equal(parseLiveMessage(JSON.stringify({ type: 'graph-delta', seq: 1, atMs: 1, edges: [{ source: 'planet:x', target: 'service:a', type: 'request', env: '', calls: 1, errors: 0 }], services: [] })), undefined);
});
