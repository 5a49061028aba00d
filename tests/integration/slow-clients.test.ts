// Slow clients against a real collector (real PostgreSQL, real sockets): 2,100 connections that
// each send a byte now and then (a slowloris crowd, 700 per port on OTLP/HTTP, Zipkin and OTLP/gRPC)
// are all cut — the ones over the connection cap at once, the others at the header (HTTP) or
// preface (gRPC) deadline — as are a body that trickles, an idle keep-alive connection and a gRPC
// connection that never calls; and the official exporter still gets through afterwards. The limits
// are made small here so the test is quick; no duration is asserted, only that every socket ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeExporter, exportSpans, makeSampleTrace } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { slowClient, type Outcome } from '../support/slow-client';

const LIMITS = { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000, idleTimeoutMs: 1_500, maxConnections: 300 };
const PER_PORT = 700;

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;

before(async () => {
  database = await createScratchDatabase('meshlight_slow_clients');
  collector = await startTestCollector(database.url, { receiverLimits: LIMITS });
});

after(async () => {
  await collector?.stop();
  await database?.drop();
});

const SLOW_HEADERS = 'POST /v1/traces HTTP/1.1\r\nHost: collector\r\nContent-Type: application/x-protobuf\r\nX-Padding: ' + 'a'.repeat(200);
const HTTP2_PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n';

test(`${PER_PORT * 3} slow connections (a byte every 250 ms) on OTLP/HTTP, Zipkin and OTLP/gRPC are all cut; at most the cap is ever accepted per port`, async () => {
  const ports = { otlpHttp: collector.httpPort, zipkin: collector.zipkinPort, grpc: collector.grpcPort };
  const runs = Object.entries(ports).map(async ([name, port]) => {
    const clients: Promise<Outcome>[] = [];
    for (let i = 0; i < PER_PORT; i++) {
      // gRPC: the first bytes of the preface, a byte at a time, then nothing more.
      clients.push(name === 'grpc' ? slowClient(port, '', HTTP2_PREFACE.slice(0, 12), 250, 60_000, true) : slowClient(port, '', SLOW_HEADERS, 250));
    }
    const outcomes = await Promise.all(clients);
    return { name, outcomes };
  });
  for (const { name, outcomes } of await Promise.all(runs)) {
    assert.equal(outcomes.length, PER_PORT, name);
    if (name !== 'grpc') {
      // Every connection ended; an accepted one was answered 408, one over the cap closed unanswered.
      assert.ok(outcomes.every((o) => o.received === '' || o.received.startsWith('HTTP/1.1 408')), name);
      assert.ok(outcomes.some((o) => o.received.startsWith('HTTP/1.1 408')), `${name}: some were accepted and timed out`);
    }
    // (gRPC: every connection ended too — Promise.all above resolves only once each one is closed.)
  }
  // The cap held on every port (the crowd arrives faster than the deadline cuts it on a quiet
  // machine; on a loaded one fewer may be open at once, so refusals are not required).
  const metrics = await (await fetch(`http://127.0.0.1:${collector.httpPort}/metrics`)).text();
  for (const port of ['otlp_http', 'zipkin', 'otlp_grpc']) {
    const peak = Number(new RegExp(`meshlight_receiver_connections_peak\\{port="${port}"\\} (\\d+)`).exec(metrics)?.[1]);
    const refused = Number(new RegExp(`meshlight_receiver_connections_refused_total\\{port="${port}"\\} (\\d+)`).exec(metrics)?.[1]);
    assert.ok(peak > 0 && peak <= LIMITS.maxConnections, `${port}: peak ${peak} open at once (cap ${LIMITS.maxConnections})`);
    console.log(`${port}: peak ${peak} open at once, ${refused} refused at the cap`);
  }
});

test('a body that trickles is cut at the request deadline (408); an idle keep-alive connection is closed', async () => {
  const body = await slowClient(
    collector.httpPort,
    'POST /v1/traces HTTP/1.1\r\nHost: collector\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n',
    'x',
    100,
  );
  assert.match(body.received, /^HTTP\/1\.1 408/);
  const zipkinBody = await slowClient(
    collector.zipkinPort,
    'POST /api/v2/spans HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[',
    ' ',
    100,
  );
  assert.match(zipkinBody.received, /^HTTP\/1\.1 408/);
  // One complete request, then nothing: answered, then closed by the server.
  const idle = await slowClient(collector.httpPort, 'GET /health HTTP/1.1\r\nHost: collector\r\n\r\n', '', 0);
  assert.match(idle.received, /^HTTP\/1\.1 200/);
});

test('gRPC: a connection that sends the preface and then never calls is closed after the idle timeout', async () => {
  // The client preface plus an empty SETTINGS frame, as a real client starts; then silence.
  const settings = '\x00\x00\x00\x04\x00\x00\x00\x00\x00';
  const quiet = await slowClient(collector.grpcPort, HTTP2_PREFACE + settings, '', 0);
  assert.ok(quiet.received.length > 0, 'the server answered the preface with its SETTINGS (and a GOAWAY) before closing');
});

test('after all of that, the official exporters still get through on every port', async () => {
  for (const kind of ['proto', 'grpc'] as const) {
    const exporter = makeExporter(kind, { http: collector.httpPort, grpc: collector.grpcPort }, false);
    await exportSpans(exporter, makeSampleTrace(`after-slow-${kind}`).spans);
    await exporter.shutdown();
  }
  const zipkin = await fetch(`http://127.0.0.1:${collector.zipkinPort}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
  assert.equal(zipkin.status, 202);
});
