// Metrics, exactly once: (1) a head flush cut off at any statement of its transaction — before the
// statement reaches PostgreSQL, or after PostgreSQL ran it but before the collector heard back (for
// COMMIT: committed, but the store cannot know) — is retried by the next flush, and every sample is
// stored once, not once per attempt; (2) a collector that crashes with samples acknowledged but
// not yet flushed loses none of them, and its write-ahead-log replay stores the batches the crashed
// collector had already flushed nothing twice (their ids were claimed by that flush). Real
// PostgreSQL behind tests/support/cutting-proxy.ts, the real MetricStore and collector.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { InMemoryMetricHead } from '../../collector/store/metric-head';
import { MetricStore } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { forEachChunkSample } from '../../lib/domain/metrics/chunk-codec';
import { forEachHeadBlockEntry } from '../../lib/domain/metrics/head-block';
import { decodeSeriesBlock } from '../../lib/domain/metrics/series-block';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { applyMigrations } from '../../lib/db/migrator';
import { proxiedScratchDatabase, type CutRule, type ProxiedDatabase } from '../support/cutting-proxy';
import { startTestCollector } from '../support/test-collector';

let db: ProxiedDatabase;
let direct: pg.Client;

before(async () => {
  db = await proxiedScratchDatabase('meshlight_metrics_once');
  direct = new pg.Client(db.database.url);
  await direct.connect();
});

after(async () => {
  await direct?.end();
  await db?.close();
});

/** Every stored sample of a metric (closed chunks, head blocks and segments), and how many distinct timestamps. */
async function stored(metric: string): Promise<{ samples: number; distinct: number }> {
  const series = await direct.query<{ data: Uint8Array }>(
    `SELECT b.data FROM metric_series_blocks b JOIN metric_label_pairs m ON m.id = b.metric_id WHERE m.name = '__name__' AND m.value = $1`,
    [metric],
  );
  const ids = new Set(series.rows.flatMap((row) => decodeSeriesBlock(row.data).map((e) => e.id)));
  const { rows } = await direct.query<{ series_id: string; data: Uint8Array }>(
    `SELECT c.series_id, c.data FROM metric_chunks c WHERE c.series_id = ANY($1::int8[])
     UNION ALL
     SELECT h.series_id, h.data FROM metric_head_segments h WHERE h.series_id = ANY($1::int8[])`,
    [[...ids]],
  );
  const blocks = await direct.query<{ group_id: string; data: Uint8Array }>('SELECT group_id, data FROM metric_head_blocks');
  for (const block of blocks.rows) {
    forEachHeadBlockEntry(Number(block.group_id), block.data, (id) => ids.has(id), (id, data) => rows.push({ series_id: String(id), data }));
  }
  let samples = 0;
  const distinct = new Set<string>();
  for (const row of rows) {
    forEachChunkSample(row.data, (t) => {
      samples++;
      distinct.add(`${row.series_id}/${t}`);
    });
  }
  return { samples, distinct: distinct.size };
}

function batch(metric: string, series: number, t: number) {
  const list = Array.from({ length: series }, (_, i) => ({ labels: { __name__: metric, job: 'once', instance: `i${i}` }, samples: [{ t, v: i + t / 1000 }] }));
  return { series: list, metadata: [], sampleCount: list.length, rejectedSamples: 0, rejectionMessage: '' };
}

// Every statement of a flush's transaction (collector/store/metric-store.ts), in order.
const STATEMENTS: Array<[string, Omit<CutRule, 'when'>]> = [
  ['BEGIN', { type: 'Q', sqlContains: 'BEGIN' }],
  ['claim the flush and batch ids', { type: 'P', sqlContains: 'INSERT INTO ingest_batches' }],
  ['delete expired head blocks', { type: 'P', sqlContains: 'DELETE FROM metric_head_blocks' }],
  ['COPY closed chunks', { type: 'Q', sqlContains: 'COPY metric_chunks' }],
  ['COPY head blocks', { type: 'Q', sqlContains: 'COPY metric_head_blocks' }],
  ['COMMIT', { type: 'Q', sqlContains: 'COMMIT' }],
];

test('a head flush cut at any statement is retried, and every sample is stored once', async () => {
  const executor: SqlExecutor = createPgExecutor(db.url, 2);
  try {
    await applyMigrations(executor);
    for (const [statement, match] of STATEMENTS) {
      for (const when of ['before', 'after-response'] as const) {
        const metric = `cut_${when}_${statement}`.replace(/[^a-z_]/gi, '_');
        // Chunks of 3 samples: the 4th sample closes the first chunk, so the cut flush writes a
        // closed chunk, deletes the head block it makes redundant and appends a head block.
        const head = new InMemoryMetricHead({ maxSamples: 3 });
        const store = new MetricStore(executor, { maxSeriesPerMetric: 1000, flushIntervalMs: 3_600_000, head });
        await store.init();
        const t0 = Date.UTC(2026, 10, 29);
        for (let i = 0; i < 2; i++) store.append(batch(metric, 5, t0 + i * 15_000));
        await store.flush();
        for (let i = 2; i < 5; i++) store.append(batch(metric, 5, t0 + i * 15_000));
        const cutsBefore = db.proxy.cuts;
        db.proxy.arm({ ...match, when });
        await assert.rejects(store.flush(), `the flush fails when cut ${when} ${statement}`);
        assert.equal(db.proxy.cuts, cutsBefore + 1, 'the connection was cut at that statement');
        store.append(batch(metric, 5, t0 + 5 * 15_000));
        await store.flush();
        await store.stop();
        const result = await stored(metric);
        assert.deepEqual(result, { samples: 30, distinct: 30 }, `cut ${when} ${statement}`);
      }
    }
  } finally {
    await executor.close();
  }
});

/** An OTLP/JSON gauge export: `series` series of `metric`, one point each at `t`. */
function gaugeRequest(metric: string, series: number, t: number): string {
  const dataPoints = Array.from({ length: series }, (_, i) => ({
    timeUnixNano: String(BigInt(t) * 1_000_000n),
    asDouble: i + t / 1e6,
    attributes: [{ key: 'slot', value: { stringValue: String(i) } }],
  }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'once' } }] },
        scopeMetrics: [{ scope: { name: 'test' }, metrics: [{ name: metric, gauge: { dataPoints } }] }],
      },
    ],
  });
}

async function post(port: number, body: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/metrics`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await res.arrayBuffer();
  return res.status;
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

test('a crash loses no acknowledged sample, and the write-ahead-log replay stores nothing twice', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-metrics-once-'));
  const metric = 'through_a_crash';
  const defaults = readCollectorConfig({});
  const overrides = { dataDir, batch: { ...defaults.batch, writers: 1, lingerMs: 0 }, metrics: { ...defaults.metrics, flushIntervalMs: 200 } };
  const first = await startTestCollector(db.url, overrides);
  const t0 = Date.now() - 60_000;
  let acked = 0;
  try {
    // Flushed before the crash: still in the log's active segment, so replayed and skipped by id.
    for (let i = 0; i < 4; i++) if ((await post(first.httpPort, gaugeRequest(metric, 10, t0 + i * 1000))) === 200) acked += 10;
    assert.equal(acked, 40);
    assert.ok(await until(async () => (await stored(metric)).samples === 40, 60_000), 'flushed before the crash');
    // Acknowledged (in the log and the head) but never flushed: the database is gone.
    db.proxy.down();
    for (let i = 4; i < 8; i++) if ((await post(first.httpPort, gaugeRequest(metric, 10, t0 + i * 1000))) === 200) acked += 10;
    assert.ok(acked > 40, 'samples were acknowledged while the database was down');
  } finally {
    await first.crash();
  }
  db.proxy.up();
  const second = await startTestCollector(db.url, overrides);
  try {
    assert.ok(await until(async () => (await stored(metric)).samples >= acked, 60_000), 'the replayed samples are flushed');
    await second.stop();
    const result = await stored(metric);
    assert.deepEqual(result, { samples: acked, distinct: acked });
  } finally {
    await second.stop();
  }
});
