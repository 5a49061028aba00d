// Every way a client can get an OTLP export wrong, or catch us overloaded, gets its documented
// status, and the collector stays up and loses nothing it accepted. Real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { TRACE_EXPORT_PATH } from '../../collector/receivers/otlp/grpc-receiver';
import { adminQuery, createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { makeSampleTrace } from '../support/official-exporters';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let base: string;
const sample = makeSampleTrace('errors-svc');
const protoBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(sample.spans)!);
const jsonBody = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sample.spans)!);

before(async () => {
  database = await createScratchDatabase();
  collector = await startTestCollector(database.url, { maxBodyBytes: 64 * 1024 });
  base = `http://127.0.0.1:${collector.httpPort}`;
});

after(async () => {
  await collector?.stop();
  await database?.drop();
});

async function post(body: BodyInit, headers: Record<string, string>, path = '/v1/traces') {
  const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function countSpans(): Promise<number> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM spans')).rows[0].n);
  } finally {
    await client.end();
  }
}

test('valid protobuf and JSON are accepted with a response in the same encoding', async () => {
  const proto = await post(protoBody, { 'content-type': 'application/x-protobuf' });
  assert.equal(proto.status, 200);
  assert.equal(proto.headers.get('content-type'), 'application/x-protobuf');
  const json = await post(jsonBody, { 'content-type': 'application/json; charset=utf-8' });
  assert.equal(json.status, 200);
  assert.equal(json.headers.get('content-type'), 'application/json');
  assert.deepEqual(JSON.parse(json.text), {});
});

test('malformed protobuf → 400 with a readable message', async () => {
  const res = await post(Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]), { 'content-type': 'application/x-protobuf' });
  assert.equal(res.status, 400);
  assert.match(res.text, /malformed|truncated|length|invalid/i);
});

test('malformed JSON → 400 naming the problem', async () => {
  const broken = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
  assert.equal(broken.status, 400);
  assert.match(JSON.parse(broken.text).message, /JSON/i);
  const wrongType = await post('{"resourceSpans": {"a": 1}}', { 'content-type': 'application/json' });
  assert.equal(wrongType.status, 400);
  assert.match(JSON.parse(wrongType.text).message, /resourceSpans/);
});

test('unsupported content type → 415; unsupported encoding → 415', async () => {
  const res = await post('hello', { 'content-type': 'text/plain' });
  assert.equal(res.status, 415);
  assert.match(JSON.parse(res.text).message, /application\/x-protobuf/);
  const enc = await post(protoBody, { 'content-type': 'application/x-protobuf', 'content-encoding': 'br' });
  assert.equal(enc.status, 415);
});

test('gzip bodies are accepted; corrupt gzip → 400', async () => {
  const ok = await post(gzipSync(protoBody), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
  assert.equal(ok.status, 200);
  const bad = await post(Buffer.from([0x1f, 0x8b, 1, 2, 3]), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
  assert.equal(bad.status, 400);
});

test('a body over the limit → 413, also when it only grows past it after decompression (gzip bomb)', async () => {
  const big = await post(Buffer.alloc(65 * 1024), { 'content-type': 'application/x-protobuf' });
  assert.equal(big.status, 413);
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MiB of zeros in ~50 KiB
  assert.ok(bomb.length < 64 * 1024);
  const res = await post(bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
  assert.equal(res.status, 413);
  // The error body is a google.rpc.Status in the request's encoding (protobuf); its message is plain UTF-8.
  assert.match(res.text, /decompressed/);
});

test('unknown paths → 404; GET on /v1/traces → 405; the collector is still up', async () => {
  assert.equal((await post(protoBody, { 'content-type': 'application/x-protobuf' }, '/v1/nope')).status, 404);
  assert.equal((await fetch(`${base}/v1/traces`)).status, 405);
  assert.equal((await fetch(`${base}/health`)).status, 200);
});

test('CORS: by default no origin is allowed (a preflight gets no Access-Control-Allow-Origin, a cross-origin POST 403)', async () => {
  const res = await fetch(`${base}/v1/traces`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  const post = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { origin: 'http://evil.test', 'content-type': 'application/json' }, body: jsonBody });
  assert.equal(post.status, 403);
  assert.match(await post.text(), /MESHLIGHT_CORS_ORIGINS/);
});

test('gRPC: malformed message → INVALID_ARGUMENT', async () => {
  const client = new grpc.Client(`127.0.0.1:${collector.grpcPort}`, grpc.credentials.createInsecure());
  const error = await new Promise<grpc.ServiceError | null>((resolve) =>
    client.makeUnaryRequest(
      TRACE_EXPORT_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from([0x0a, 0xff, 0xff, 0x01]),
      (err) => resolve(err),
    ),
  );
  client.close();
  assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
});

test('database unavailable: accepted into the write-ahead log (health degraded), written once it is back', async () => {
  await collector.flushed();
  const before = await countSpans();
  const acceptedBefore = collector.stats.spansAccepted;
  await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}'`);
  try {
    // The writers notice the outage at their next write; from then on /health says degraded while
    // receivers keep accepting: the rows are durable in the log. (Without a log they answer 503:
    // tests/integration/database-outage.test.ts.)
    let degraded = false;
    for (let i = 0; i < 100 && !degraded; i++) {
      const res = await post(protoBody, { 'content-type': 'application/x-protobuf' });
      assert.equal(res.status, 200);
      degraded = (await fetch(`${base}/health`)).status === 503;
      if (!degraded) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(degraded, 'health says degraded while the database is unavailable');
    assert.equal((await post(protoBody, { 'content-type': 'application/x-protobuf' })).status, 200);
  } finally {
    await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
  }
  assert.ok(await collector.flushed(20_000), 'held spans were written after the database came back');
  assert.equal(await countSpans() - before, collector.stats.spansAccepted - acceptedBefore);
  assert.equal(collector.stats.spansWritten, collector.stats.spansAccepted);
});

test('queue full → 503 + Retry-After, never a silent drop', async () => {
  const small = await startTestCollector(database.url, { queue: { maxSpans: sample.spans.length * 2, maxBytes: 1 << 30 } });
  const blocker = new pg.Client(database.url);
  await blocker.connect();
  // Hold the spans table so writes block and the queue fills.
  await blocker.query('BEGIN; LOCK TABLE spans IN ACCESS EXCLUSIVE MODE');
  try {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`http://127.0.0.1:${small.httpPort}/v1/traces`, {
        method: 'POST',
        body: protoBody,
        headers: { 'content-type': 'application/x-protobuf' },
      });
      statuses.push(res.status);
      if (res.status === 503) retryAfter = res.headers.get('retry-after');
    }
    assert.ok(statuses.includes(200) && statuses.includes(503), `statuses: ${statuses.join(',')}`);
    assert.ok(Number(retryAfter) > 0);
  } finally {
    await blocker.query('ROLLBACK');
    await blocker.end();
  }
  assert.ok(await small.flushed(20_000));
  assert.equal(small.stats.spansWritten, small.stats.spansAccepted);
  await small.stop();
});

test('a span with an invalid id is rejected alone and reported in partial_success', async () => {
  const request = JSON.parse(jsonBody) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ spanId: string }> }> }> };
  request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.spanId = '00000000000000000000'; // wrong length
  const res = await post(JSON.stringify(request), { 'content-type': 'application/json' });
  assert.equal(res.status, 200);
  const body = JSON.parse(res.text) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
  assert.equal(body.partialSuccess.rejectedSpans, '1');
  assert.match(body.partialSuccess.errorMessage, /span/i);
});

test('shutdown with the database down spools accepted spans to disk; the next start writes them', async () => {
  const first = await startTestCollector(database.url, { shutdownTimeoutMs: 500 });
  await collector.flushed(); // the shared collector's earlier tests must not land in our count
  const before = await countSpans();
  await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}'`);
  try {
    const res = await fetch(`http://127.0.0.1:${first.httpPort}/v1/traces`, {
      method: 'POST',
      body: protoBody,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    assert.equal(res.status, 200);
    await first.stop();
  } finally {
    await adminQuery(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
  }
  const second = await startTestCollector(database.url, { dataDir: first.config.dataDir });
  try {
    assert.ok(await second.flushed(20_000));
    assert.equal(await countSpans(), before + sample.spans.length);
  } finally {
    await second.stop();
  }
});
