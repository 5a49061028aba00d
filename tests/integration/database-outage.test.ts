// A lost database is an outage, never a crash: connections cut mid-write (pg's 'error' events on
// busy clients, COPY streams broken mid-way), a database that is down for a while during ingest,
// and one that is down when the collector starts. Clients retry on 503 as OTLP exporters do; in
// the end every span acknowledged with a 200 is stored, once. Real collector, real PostgreSQL
// behind a proxy that cuts or refuses connections (tests/support/cutting-proxy.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import type { ScratchDatabase } from '../support/scratch-database';
import { proxiedScratchDatabase, type CuttingProxy, type ProxiedDatabase } from '../support/cutting-proxy';
import { otlpJsonTraceRequest } from '../support/otlp-json-request';
import { startTestCollector } from '../support/test-collector';
import { readCollectorConfig } from '../../lib/contracts/collector-config';

let db: ProxiedDatabase;
let database: ScratchDatabase;
let proxy: CuttingProxy;
let viaProxy: string;

before(async () => {
  db = await proxiedScratchDatabase('meshlight_outage');
  ({ database, proxy, url: viaProxy } = db);
});

after(async () => {
  await db?.close();
});

const request = (service: string, spans: number): string => otlpJsonTraceRequest(service, spans, (i) => (i % 2 ? 2 : 3));

/** Posts until a 200 (retrying 503 as an exporter would, sooner); returns the statuses seen. */
async function send(port: number, body: string): Promise<number[]> {
  const statuses: number[] = [];
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await res.arrayBuffer();
    statuses.push(res.status);
    if (res.status === 200) return statuses;
    assert.equal(res.status, 503, 'only a retryable refusal is acceptable');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

test('the database down at start-up, no write-ahead log: the collector starts, answers 503, and writes once it is back', async () => {
  proxy.down();
  const defaults = readCollectorConfig({});
  const collector = await startTestCollector(viaProxy, { wal: { ...defaults.wal, enabled: false } });
  try {
    assert.equal((await fetch(`http://127.0.0.1:${collector.httpPort}/health`)).status, 503);
    const refused = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
      method: 'POST',
      body: request('late-database', 5),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    proxy.up();
    await send(collector.httpPort, request('late-database', 5));
    assert.ok(await collector.flushed(30_000));
    assert.equal((await fetch(`http://127.0.0.1:${collector.httpPort}/health`)).status, 200);
    assert.deepEqual(await stored('late-database'), { rows: 5, distinct: 5 });
  } finally {
    proxy.up();
    await collector.stop();
  }
});

test('the database down at start-up, with the write-ahead log: the collector accepts into the log and writes once the database is back', async () => {
  proxy.down();
  const collector = await startTestCollector(viaProxy);
  try {
    assert.equal((await fetch(`http://127.0.0.1:${collector.httpPort}/health`)).status, 503, 'health says degraded');
    for (let i = 0; i < 4; i++) {
      const accepted = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
        method: 'POST',
        body: request('late-database-logged', 5),
        headers: { 'content-type': 'application/json' },
      });
      await accepted.arrayBuffer();
      assert.equal(accepted.status, 200, 'durable in the write-ahead log: acknowledged');
    }
    proxy.up();
    assert.ok(await collector.flushed(30_000));
    assert.equal((await fetch(`http://127.0.0.1:${collector.httpPort}/health`)).status, 200);
    assert.deepEqual(await stored('late-database-logged'), { rows: 20, distinct: 20 });
  } finally {
    proxy.up();
    await collector.stop();
  }
});

test('connections cut during ingest and a database down for a while: no crash, every acknowledged span stored once', async () => {
  const collector = await startTestCollector(viaProxy, { batch: { writers: 2, batchSpans: 200, lingerMs: 5 } });
  const service = 'through-outages';
  let acked = 0;
  const statuses: number[] = [];
  try {
    const senders = Array.from({ length: 3 }, async () => {
      for (let i = 0; i < 25; i++) {
        statuses.push(...(await send(collector.httpPort, request(service, 40))));
        acked += 40;
      }
    });
    const faults = (async () => {
      for (let i = 0; i < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        proxy.cutAll(); // every connection, busy or idle, mid-COPY or not
      }
      proxy.down();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      proxy.up();
      await new Promise((resolve) => setTimeout(resolve, 150));
      proxy.cutAll();
    })();
    await Promise.all([...senders, faults]);
    assert.ok(await collector.flushed(60_000), 'everything accepted was written');
    assert.deepEqual(await stored(service), { rows: acked, distinct: acked });
    assert.equal(collector.stats.spansWritten, collector.stats.spansAccepted);
    console.log(`acknowledged ${acked} spans; ${statuses.filter((s) => s === 503).length} requests answered 503 and were retried`);
  } finally {
    proxy.up();
    await collector.stop();
  }
});
