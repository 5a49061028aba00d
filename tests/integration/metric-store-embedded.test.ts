// The metrics store on the embedded database (PGlite): the same write → read round trip as on the
// PostgreSQL server (COPY into the partitioned chunk table, bytea arrays, the open-chunk upsert),
// because `npm start` without DATABASE_URL runs on it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { startEmbeddedDatabase } from '../../collector/store/embedded-database';
import { MetricPartitionManager } from '../../collector/store/metric-partitions';
import { MetricStore } from '../../collector/store/metric-store';
import { applyMigrations } from '../../lib/db/migrator';
import { PgSeriesQueryable } from '../../lib/db/metrics/pg-series-queryable';
import { isStaleNaN, staleNaN } from '../../lib/domain/metrics/types';

it('round-trips samples, staleness marker included, on PGlite', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-pglite-metrics-'));
  const embedded = await startEmbeddedDatabase({ dataDir: dir, host: '127.0.0.1', port: 0 });
  try {
    await applyMigrations(embedded.executor);
    const now = Date.UTC(2026, 10, 28, 12);
    const partitions = new MetricPartitionManager(embedded.executor, 7, () => now);
    await partitions.load();
    const store = new MetricStore(embedded.executor, { maxSeriesPerMetric: 100, flushIntervalMs: 60_000, partitions, now: () => now });
    await store.init();
    const labels = { __name__: 'queue_depth', queue: 'orders' };
    for (let i = 0; i < 130; i++) {
      store.append({ series: [{ labels, samples: [{ t: now - 3_600_000 + i * 15_000, v: i === 129 ? staleNaN() : i }] }], metadata: [], sampleCount: 1, rejectedSamples: 0, rejectionMessage: '' });
    }
    await store.flush();
    const [series] = await new PgSeriesQueryable(embedded.executor).select([{ name: 'queue', type: '=', value: 'orders' }], now - 3_600_000, now);
    assert.equal(series!.samples.length, 130);
    assert.deepEqual(series!.samples.slice(0, 3).map((s) => s.v), [0, 1, 2]);
    assert.ok(isStaleNaN(series!.samples[129]!.v));
  } finally {
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
