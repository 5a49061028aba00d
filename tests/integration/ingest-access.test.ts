// Access control on every ingest port of a real collector (real PostgreSQL): with ingest tokens
// configured, OTLP/HTTP (traces, metrics, logs), OTLP/gRPC, Prometheus remote_write, Loki push, JSON
// lines and Zipkin all refuse a request without a known token — 401 + WWW-Authenticate, gRPC
// UNAUTHENTICATED — and the official OpenTelemetry exporters get through with their `headers` /
// `metadata` options or OTEL_EXPORTER_OTLP_HEADERS. Tokens in a file rotate without a restart.
// CORS: no origin by default, configured origins only.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import pg from 'pg';
import { LOGS_EXPORT_PATH, METRICS_EXPORT_PATH, TRACE_EXPORT_PATH } from '../../collector/receivers/otlp/grpc-receiver';
import { remoteWriteBody } from '../fixtures/prometheus/write-request-builder';
import { exportSpans, makeSampleTrace } from '../support/official-exporters';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

const TOKEN = 'ingest-token-0123456789abcdef';
const FILE_TOKEN = 'file-token-aaaaaaaaaaaaaaaaaaaa';
const ROTATED_TOKEN = 'file-token-bbbbbbbbbbbbbbbbbbbb';
const BROWSER_ORIGIN = 'https://shop.example';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let tokensFile: string;
let http = '';
let zipkin = '';

before(async () => {
  database = await createScratchDatabase('meshlight_ingest_access');
  tokensFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'meshlight-tokens-')), 'tokens');
  writeFileSync(tokensFile, `# senders of team A\n${FILE_TOKEN}\n`);
  const defaults = readCollectorConfig({});
  collector = await startTestCollector(database.url, {
    access: { ...defaults.access, ingestTokens: [TOKEN], ingestTokensFile: tokensFile },
    corsOrigins: [BROWSER_ORIGIN],
  });
  http = `http://127.0.0.1:${collector.httpPort}`;
  zipkin = `http://127.0.0.1:${collector.zipkinPort}`;
});

after(async () => {
  await collector?.stop();
  await database?.drop();
});

const sample = makeSampleTrace('auth-svc');
const otlpJson = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sample.spans)!);
const now = Date.now();
/** Every HTTP ingest path with a body it accepts, and the status it answers when it does. */
const HTTP_PATHS: Array<{ name: string; url: () => string; contentType: string; body: () => BodyInit; ok: number; encoding?: string }> = [
  { name: 'OTLP/HTTP traces', url: () => `${http}/v1/traces`, contentType: 'application/json', body: () => otlpJson, ok: 200 },
  { name: 'OTLP/HTTP metrics', url: () => `${http}/v1/metrics`, contentType: 'application/json', body: () => '{"resourceMetrics":[]}', ok: 200 },
  { name: 'OTLP/HTTP logs', url: () => `${http}/v1/logs`, contentType: 'application/json', body: () => '{"resourceLogs":[]}', ok: 200 },
  {
    name: 'Prometheus remote_write',
    url: () => `${http}/api/v1/write`,
    contentType: 'application/x-protobuf',
    encoding: 'snappy',
    body: () => new Uint8Array(remoteWriteBody([{ labels: [['__name__', 'auth_probe'], ['job', 'auth']], samples: [{ t: now, v: 1 }] }])),
    ok: 204,
  },
  {
    name: 'Loki push',
    url: () => `${http}/loki/api/v1/push`,
    contentType: 'application/json',
    body: () => JSON.stringify({ streams: [{ stream: { job: 'auth' }, values: [[`${now}000000`, 'hello']] }] }),
    ok: 204,
  },
  { name: 'JSON lines', url: () => `${http}/logs/jsonl?service=auth`, contentType: 'application/x-ndjson', body: () => '{"msg":"hello","level":30}\n', ok: 200 },
  { name: 'Zipkin v2', url: () => `${zipkin}/api/v2/spans`, contentType: 'application/json', body: () => '[]', ok: 202 },
];

function post(target: (typeof HTTP_PATHS)[number], extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'content-type': target.contentType, ...extra };
  if (target.encoding) headers['content-encoding'] = target.encoding;
  return fetch(target.url(), { method: 'POST', headers, body: target.body() });
}

for (const target of HTTP_PATHS) {
  test(`${target.name}: 401 + WWW-Authenticate without a token or with a wrong one; accepted with a known one`, async () => {
    const none = await post(target);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="meshlight-ingest"');
    assert.match(await none.text(), /Authorization: Bearer/);
    const wrong = await post(target, { authorization: 'Bearer not-the-token-at-all-000' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.match(await wrong.text(), /invalid ingest token/);
    const good = await post(target, { authorization: `Bearer ${TOKEN}` });
    assert.equal(good.status, target.ok, await good.text());
    // Basic with the token as the password (promtail's and Prometheus' basic_auth).
    const basic = await post(target, { authorization: `Basic ${Buffer.from(`any:${FILE_TOKEN}`).toString('base64')}` });
    assert.equal(basic.status, target.ok);
  });
}

test('/health, /metrics and CORS preflights need no token', async () => {
  assert.equal((await fetch(`${http}/health`)).status, 200);
  assert.equal((await fetch(`${http}/metrics`)).status, 200);
  assert.equal((await fetch(`${zipkin}/health`)).status, 200);
  const preflight = await fetch(`${http}/v1/traces`, {
    method: 'OPTIONS',
    headers: { origin: BROWSER_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), BROWSER_ORIGIN);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
});

function grpcCall(methodPath: string, metadata: grpc.Metadata): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(`127.0.0.1:${collector.grpcPort}`, grpc.credentials.createInsecure());
  return new Promise<grpc.ServiceError | null>((resolve) =>
    client.makeUnaryRequest(methodPath, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), metadata, (error) => {
      client.close();
      resolve(error);
    }),
  );
}

test('OTLP/gRPC: UNAUTHENTICATED without the authorization metadata or with a wrong token, OK with one, on every service', async () => {
  for (const method of [TRACE_EXPORT_PATH, METRICS_EXPORT_PATH, LOGS_EXPORT_PATH]) {
    const none = await grpcCall(method, new grpc.Metadata());
    assert.equal(none?.code, grpc.status.UNAUTHENTICATED, method);
    assert.match(none?.details ?? '', /ingest token is required/);
    const wrong = new grpc.Metadata();
    wrong.set('authorization', 'Bearer wrong-wrong-wrong-wrong');
    assert.equal((await grpcCall(method, wrong))?.code, grpc.status.UNAUTHENTICATED, method);
    const good = new grpc.Metadata();
    good.set('authorization', `Bearer ${TOKEN}`);
    assert.equal(await grpcCall(method, good), null, method);
  }
});

async function countSpans(service: string): Promise<number> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) AS n FROM spans WHERE service_name = $1', [service])).rows[0].n);
  } finally {
    await client.end();
  }
}

test('the official exporters: headers (HTTP protobuf), metadata (gRPC) and OTEL_EXPORTER_OTLP_HEADERS (HTTP JSON) carry the token; without it the export fails', async () => {
  const bare = new ProtoExporter({ url: `${http}/v1/traces` });
  await assert.rejects(exportSpans(bare, makeSampleTrace('exp-refused').spans));
  await bare.shutdown();

  const proto = new ProtoExporter({ url: `${http}/v1/traces`, headers: { Authorization: `Bearer ${TOKEN}` } });
  await exportSpans(proto, makeSampleTrace('exp-proto').spans);
  await proto.shutdown();

  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${TOKEN}`);
  const viaGrpc = new GrpcExporter({ url: `http://127.0.0.1:${collector.grpcPort}`, metadata });
  await exportSpans(viaGrpc, makeSampleTrace('exp-grpc').spans);
  await viaGrpc.shutdown();

  const grpcBare = new GrpcExporter({ url: `http://127.0.0.1:${collector.grpcPort}` });
  await assert.rejects(exportSpans(grpcBare, makeSampleTrace('exp-refused').spans));
  await grpcBare.shutdown();

  process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer%20${FILE_TOKEN}`;
  try {
    const json = new JsonExporter({ url: `${http}/v1/traces` });
    await exportSpans(json, makeSampleTrace('exp-json').spans);
    await json.shutdown();
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
  }

  assert.ok(await collector.flushed());
  const perTrace = makeSampleTrace('x').spans.length;
  assert.equal(await countSpans('exp-proto'), perTrace);
  assert.equal(await countSpans('exp-grpc'), perTrace);
  assert.equal(await countSpans('exp-json'), perTrace);
  assert.equal(await countSpans('exp-refused'), 0);
});

test('tokens in MESHLIGHT_INGEST_TOKENS_FILE rotate without a restart: the new one works, the removed one is refused', async () => {
  const target = HTTP_PATHS[0]!;
  assert.equal((await post(target, { authorization: `Bearer ${FILE_TOKEN}` })).status, 200);
  // Step 1 of a rotation: both; step 2: only the new one. The file is looked at once a second.
  writeFileSync(tokensFile, `${FILE_TOKEN}\n${ROTATED_TOKEN}\n`);
  await waitFor(async () => (await post(target, { authorization: `Bearer ${ROTATED_TOKEN}` })).status === 200);
  writeFileSync(tokensFile, `${ROTATED_TOKEN}\n`);
  await waitFor(async () => (await post(target, { authorization: `Bearer ${FILE_TOKEN}` })).status === 401);
  assert.equal((await post(target, { authorization: `Bearer ${ROTATED_TOKEN}` })).status, 200);
  // A broken file keeps the tokens read before (and the environment's) in force.
  writeFileSync(tokensFile, 'short\n');
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal((await post(target, { authorization: `Bearer ${ROTATED_TOKEN}` })).status, 200);
  assert.equal((await post(target, { authorization: `Bearer ${TOKEN}` })).status, 200);
});

test('CORS: only the configured origin is allowed; a POST from another page is refused before its body is read', async () => {
  const target = HTTP_PATHS[0]!;
  const allowed = await post(target, { authorization: `Bearer ${TOKEN}`, origin: BROWSER_ORIGIN });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('access-control-allow-origin'), BROWSER_ORIGIN);
  const foreign = await post(target, { authorization: `Bearer ${TOKEN}`, origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  const preflight = await fetch(`${zipkin}/api/v2/spans`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
