// Durable before acknowledged: every span answered 200 survives a crash (nothing drained, nothing
// spooled) while the database is down, and a restart on the same data directory writes each of
// them exactly once, including the batches the crashed collector had already committed (replayed
// from the write-ahead log under the same batch ids, skipped by the store). Real collector, real
// PostgreSQL behind a proxy that refuses connections (tests/support/cutting-proxy.ts); and a real
// collector process killed with SIGKILL in the middle of ingest.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { ScratchDatabase } from '../support/scratch-database';
import { proxiedScratchDatabase, type CuttingProxy, type ProxiedDatabase } from '../support/cutting-proxy';
import { otlpJsonTraceRequest } from '../support/otlp-json-request';
import { spawnCollectorProcess } from '../support/collector-process';
import { startTestCollector } from '../support/test-collector';

let db: ProxiedDatabase;
let database: ScratchDatabase;
let proxy: CuttingProxy;
let viaProxy: string;

before(async () => {
  db = await proxiedScratchDatabase('meshlight_wal');
  ({ database, proxy, url: viaProxy } = db);
});

after(async () => {
  await db?.close();
});

const request = (service: string, spans: number): string => otlpJsonTraceRequest(service, spans);

async function post(port: number, body: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await res.arrayBuffer();
  if (res.status !== 200) {
    assert.equal(res.status, 503, 'only a retryable refusal is acceptable');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  }
  return res.status;
}

async function stored(service: string): Promise<{ rows: number; distinct: number }> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    const { rows } = await client.query<{ rows: string; distinct: string }>(
      'SELECT count(*) AS rows, count(DISTINCT (trace_id, span_id)) AS distinct FROM spans WHERE service_name = $1',
      [service],
    );
    return { rows: Number(rows[0]!.rows), distinct: Number(rows[0]!.distinct) };
  } finally {
    await client.end();
  }
}

test('a crash with the database down loses no acknowledged span, and the restart writes each once', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-wal-test-'));
  const service = 'through-a-crash';
  const batch = { writers: 2, batchSpans: 500, lingerMs: 20 };
  let acked = 0;
  const first = await startTestCollector(viaProxy, { dataDir, batch });
  try {
    // Written before the crash: still in the log's active segment, so replayed and skipped by id.
    for (let i = 0; i < 5; i++) if ((await post(first.httpPort, request(service, 20))) === 200) acked += 20;
    assert.ok(await first.flushed(30_000));
    assert.deepEqual(await stored(service), { rows: acked, distinct: acked });

    proxy.down();
    proxy.cutAll();
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const status = await Promise.all(Array.from({ length: 3 }, () => post(first.httpPort, request(service, 25))));
      for (const s of status) {
        if (s === 200) acked += 25;
        else refused++;
      }
    }
    assert.ok(acked > 100, 'some spans were acknowledged while the database was down');
    assert.ok(readdirSync(path.join(dataDir, 'wal', 'traces')).length > 0);
    const metrics = await (await fetch(`http://127.0.0.1:${first.httpPort}/metrics`)).text();
    assert.ok(Number(/meshlight_wal_bytes\{signal="traces"\} (\d+)/.exec(metrics)?.[1]) > 0, 'the log holds the unwritten spans');
    console.log(`acknowledged ${acked} spans (${refused} requests refused with 503) before the crash`);
  } finally {
    await first.crash();
  }

  proxy.up();
  const second = await startTestCollector(viaProxy, { dataDir, batch });
  try {
    assert.ok(await second.flushed(60_000), 'the replayed log is written');
    assert.deepEqual(await stored(service), { rows: acked, distinct: acked });
  } finally {
    await second.stop();
  }
});

test('kill -9 of a collector process mid-ingest: every span answered 200 is stored, once', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-wal-kill-'));
  const service = 'through-kill-9';
  const { child, otlpHttpPort: port } = await spawnCollectorProcess({
    DATABASE_URL: viaProxy,
    MESHLIGHT_DATA_DIR: dataDir,
    MESHLIGHT_OTLP_HTTP_PORT: '0',
    MESHLIGHT_OTLP_GRPC_PORT: '0',
    MESHLIGHT_ZIPKIN_PORT: '0',
    MESHLIGHT_SERVICE_GRAPH: 'off',
    MESHLIGHT_WAL: 'on',
    MESHLIGHT_WAL_FSYNC: 'batch',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let acked = 0;
  let answered = 0;
  try {
    const send = async (rounds: number) => {
      for (let i = 0; i < rounds; i++) {
        try {
          if ((await post(port, request(service, 30))) === 200) acked += 30;
          answered++;
        } catch {
          return; // the connection died with the process: not acknowledged
        }
      }
    };
    // The database is up: at the kill some batches are committed, some mid-write, some only queued.
    const senders = Promise.all([send(1000), send(1000), send(1000)]);
    while (answered < 90) await new Promise((resolve) => setTimeout(resolve, 5));
    process.kill(child.pid!, 'SIGKILL');
    await senders;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  }
  console.log(`acknowledged ${acked} spans before kill -9; ${(await stored(service)).rows} of them were in the database`);
  const restarted = await startTestCollector(viaProxy, { dataDir });
  try {
    assert.ok(await restarted.flushed(60_000), 'the replayed log is written');
    const after = await stored(service);
    console.log(`after the restart: ${after.rows} rows, ${after.distinct} distinct`);
    assert.equal(after.rows, after.distinct, 'no span written twice');
    assert.ok(after.rows >= acked, 'every acknowledged span is stored');
    // A request in flight at the kill may be in the log without its 200 having reached the client.
    assert.ok(after.rows <= acked + 3 * 30, 'nothing beyond the requests in flight at the kill');
  } finally {
    await restarted.stop();
  }
});
