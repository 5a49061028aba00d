// The database stuck (the spans table locked by another session, so writes hang instead of failing)
// while senders keep going: the write-ahead log fills to MESHLIGHT_WAL_MAX_BYTES and then every
// receiver refuses retryably — OTLP/HTTP and Zipkin 503 + Retry-After, gRPC UNAVAILABLE with the
// retry pushback — instead of growing without bound; once the database moves again the log drains,
// requests are accepted again, and every acknowledged span is stored exactly once. Real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import pg from 'pg';
import { TRACE_EXPORT_PATH } from '../../collector/receivers/otlp/grpc-receiver';
import { makeSampleTrace } from '../support/official-exporters';
import { otlpJsonTraceRequest } from '../support/otlp-json-request';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';

const SERVICE = 'wal-full-svc';
let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;

before(async () => {
  database = await createScratchDatabase('meshlight_wal_full');
  const defaults = readCollectorConfig({});
  collector = await startTestCollector(database.url, {
    wal: { enabled: true, fsync: 'off', maxBytes: 256 * 1024, segmentBytes: 32 * 1024 },
    batch: { writers: 1, batchSpans: 200, lingerMs: 10 },
    serviceGraph: { ...defaults.serviceGraph, enabled: false },
  });
});

after(async () => {
  await collector?.stop();
  await database?.drop();
});

async function stored(): Promise<{ rows: number; distinct: number }> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; distinct: string }>(
      'SELECT count(*) AS rows, count(DISTINCT (trace_id, span_id)) AS distinct FROM spans WHERE service_name = $1',
      [SERVICE],
    );
    return { rows: Number(rows[0]!.rows), distinct: Number(rows[0]!.distinct) };
  } finally {
    await client.end();
  }
}

function grpcExport(body: Buffer): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(`127.0.0.1:${collector.grpcPort}`, grpc.credentials.createInsecure());
  return new Promise((resolve) =>
    client.makeUnaryRequest(TRACE_EXPORT_PATH, (b: Buffer) => b, (b: Buffer) => b, body, (error) => {
      client.close();
      resolve(error);
    }),
  );
}

test('the log full while the database is stuck: 503 + Retry-After on every port, then drained and accepted again, each acknowledged span stored once', async () => {
  // A committed first write creates the partitions and dictionaries, so the lock below is all that stops the next.
  const warmup = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJsonTraceRequest(SERVICE, 10) });
  assert.equal(warmup.status, 200);
  let acked = 10;
  assert.ok(await collector.flushed(30_000));

  const locker = new pg.Client(database.url);
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('LOCK TABLE spans IN ACCESS EXCLUSIVE MODE');
  let refusal: Response | undefined;
  try {
    for (let i = 0; i < 400 && !refusal; i++) {
      const res = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: otlpJsonTraceRequest(SERVICE, 20),
      });
      if (res.status === 200) {
        acked += 20;
        await res.arrayBuffer();
      } else refusal = res;
    }
    assert.ok(refusal, 'the log filled up');
    assert.equal(refusal.status, 503);
    assert.ok(Number(refusal.headers.get('retry-after')) > 0, 'Retry-After');
    assert.match(await refusal.text(), /write-ahead log is full/);

    // The other ports: a small request may still fit in what is left; keep sending until refused.
    let zipkin: Response | undefined;
    for (let i = 0; i < 200; i++) {
      const spans = Array.from({ length: 20 }, (_, j) => ({
        traceId: `${String(i).padStart(16, '0')}${String(j).padStart(16, '0')}`,
        id: `${String(j + 1).padStart(16, '0')}`,
        name: 'z',
        timestamp: Date.now() * 1000,
        duration: 5,
        localEndpoint: { serviceName: `${SERVICE}-zipkin` },
      }));
      zipkin = await fetch(`http://127.0.0.1:${collector.zipkinPort}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spans) });
      await zipkin.arrayBuffer();
      if (zipkin.status !== 202) break;
    }
    assert.equal(zipkin?.status, 503);
    assert.ok(Number(zipkin?.headers.get('retry-after')) > 0);

    let grpcError: grpc.ServiceError | null = null;
    for (let i = 0; i < 200 && !grpcError; i++) {
      grpcError = await grpcExport(Buffer.from(ProtobufTraceSerializer.serializeRequest(makeSampleTrace(`${SERVICE}-grpc`).spans)!));
    }
    assert.equal(grpcError?.code, grpc.status.UNAVAILABLE);
    assert.match(grpcError?.details ?? '', /write-ahead log is full/);
    assert.ok(Number(grpcError?.metadata.get('grpc-retry-pushback-ms')[0]) > 0, 'gRPC clients are told when to retry');
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }

  // Unstuck: the log drains and the same request is accepted again.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJsonTraceRequest(SERVICE, 20) });
    await res.arrayBuffer();
    if (res.status === 200) {
      acked += 20;
      break;
    }
    assert.equal(res.status, 503);
    assert.ok(Date.now() < deadline, 'accepted again once the database moved');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(await collector.flushed(60_000));
  assert.deepEqual(await stored(), { rows: acked, distinct: acked });
  console.log(`${acked} spans acknowledged, the log refused at ${Math.round((256 * 1024) / 1024)} KiB`);
});
