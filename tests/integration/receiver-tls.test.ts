// TLS on the receivers (MESHLIGHT_TLS_CERT_FILE / MESHLIGHT_TLS_KEY_FILE): a certificate made with
// openssl for this test; the official exporters over HTTPS (protobuf) and gRPC with TLS, Zipkin over
// HTTPS and /live over wss all work when they trust it; plain HTTP and plaintext gRPC get nowhere.
// Ingest tokens go through TLS too. Real collector, real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import pg from 'pg';
import WebSocket from 'ws';
import { exportSpans, makeSampleTrace } from '../support/official-exporters';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { makeSelfSignedCert } from '../support/self-signed-cert';
import { startTestCollector } from '../support/test-collector';

const TOKEN = 'tls-ingest-token-0123456789';
let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ca: Buffer;

before(async () => {
  const cert = makeSelfSignedCert('meshlight-tls-');
  const { certFile, keyFile } = cert;
  ca = cert.ca;
  database = await createScratchDatabase('meshlight_receiver_tls');
  const defaults = readCollectorConfig({});
  collector = await startTestCollector(database.url, { tls: { certFile, keyFile }, access: { ...defaults.access, ingestTokens: [TOKEN] } });
});

after(async () => {
  await collector?.stop();
  await database?.drop();
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

function httpsPost(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: 'POST', ca, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

test('the official exporters over HTTPS and gRPC+TLS, with the ingest token, are stored', async () => {
  const proto = new ProtoExporter({ url: `https://localhost:${collector.httpPort}/v1/traces`, headers: { Authorization: `Bearer ${TOKEN}` }, httpAgentOptions: { ca } });
  await exportSpans(proto, makeSampleTrace('tls-proto').spans);
  await proto.shutdown();
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${TOKEN}`);
  const viaGrpc = new GrpcExporter({ url: `https://localhost:${collector.grpcPort}`, credentials: grpc.credentials.createSsl(ca), metadata });
  await exportSpans(viaGrpc, makeSampleTrace('tls-grpc').spans);
  await viaGrpc.shutdown();
  assert.ok(await collector.flushed());
  const perTrace = makeSampleTrace('x').spans.length;
  assert.equal(await countSpans('tls-proto'), perTrace);
  assert.equal(await countSpans('tls-grpc'), perTrace);
});

test('Zipkin over HTTPS; an untrusted client and plain HTTP get nowhere', async () => {
  const ok = await httpsPost(`https://localhost:${collector.zipkinPort}/api/v2/spans`, '[]', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 202);
  const noToken = await httpsPost(`https://localhost:${collector.httpPort}/v1/traces`, '{}', { 'content-type': 'application/json' });
  assert.equal(noToken.status, 401);
  await assert.rejects(fetch(`https://localhost:${collector.httpPort}/health`), 'the certificate is not trusted by default');
  await assert.rejects(fetch(`http://127.0.0.1:${collector.httpPort}/health`), 'plain HTTP on the TLS port');
  const plaintext = new GrpcExporter({ url: `http://127.0.0.1:${collector.grpcPort}`, metadata: (() => {
    const m = new grpc.Metadata();
    m.set('authorization', `Bearer ${TOKEN}`);
    return m;
  })() });
  await assert.rejects(exportSpans(plaintext, makeSampleTrace('tls-plaintext').spans));
  await plaintext.shutdown();
});

test('/live over wss', async () => {
  const hello = await new Promise<{ type: string }>((resolve, reject) => {
    const socket = new WebSocket(`wss://localhost:${collector.httpPort}/live`, { ca });
    socket.once('message', (data) => {
      resolve(JSON.parse(String(data)));
      socket.close();
    });
    socket.once('error', reject);
  });
  assert.equal(hello.type, 'hello');
});
