// Series stored as label-pair ids (metric_label_pairs + metric_series_blocks) on the real PostgreSQL:
// every matcher kind finds exactly the series Prometheus's semantics select (a missing label equals
// "", regexes fully anchored), small id sets and large ones (a regex over hundreds of values);
// label names and values with and without selectors; retention removes the pairs no series holds;
// the migrations convert jsonb series and then series rows into blocks; collectors registering the
// same series at once store it once.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MetricPartitionManager } from '../../collector/store/metric-partitions';
import { MetricStore, seriesKey } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { findSeries, PgSeriesQueryable } from '../../lib/db/metrics/pg-series-queryable';
import { labelNames, labelValues, seriesLabels } from '../../lib/db/metrics/prometheus-queries';
import { applyMigrations } from '../../lib/db/migrator';
import type { LabelMatcher, Labels, MetricBatch, SeriesSamples } from '../../lib/domain/metrics/types';
import { decodeSeriesBlock, encodeSeriesBlock, SERIES_BLOCK_SIZE, type SeriesBlockEntry } from '../../lib/domain/metrics/series-block';
import { migrateDatabase, migrateUntil } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

const T0 = Date.UTC(2026, 10, 29, 10);

function batch(series: SeriesSamples[]): MetricBatch {
  return { series, metadata: [], sampleCount: series.reduce((n, s) => n + s.samples.length, 0), rejectedSamples: 0, rejectionMessage: '' };
}

// 300 instances of `up` (so a regex over instances resolves to more pair ids than the database
// filter takes), a few series missing `env` or with other names, one without a name.
const SERIES: Labels[] = [
  ...Array.from({ length: 300 }, (_, i) => ({ __name__: 'up', job: i % 3 === 0 ? 'api' : 'db', instance: `10.0.0.${i}:9100`, ...(i % 5 === 0 ? {} : { env: i % 2 ? 'prod' : 'dev' }) })),
  { __name__: 'http_requests_total', job: 'api', code: '200' },
  { __name__: 'http_requests_total', job: 'api', code: '500', env: 'prod' },
  { __name__: 'http_request_duration_seconds_bucket', job: 'api', le: '0.5' },
  { job: 'nameless', env: 'dev' },
];

/** Prometheus's selection, in process: the reference the database must agree with. */
function selects(labels: Labels, matchers: LabelMatcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    if (m.type === '=') return value === m.value;
    if (m.type === '!=') return value !== m.value;
    const hit = new RegExp(`^(?:${m.value})$`).test(value);
    return m.type === '=~' ? hit : !hit;
  });
}

const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());

describe('series as label-pair ids', () => {
  let scratch: ScratchDatabase;
  let db: SqlExecutor;

  before(async () => {
    scratch = await createScratchDatabase('meshlight_series_lookup');
    await migrateDatabase(scratch.url);
    db = createPgExecutor(scratch.url, 2);
    const store = new MetricStore(db, { maxSeriesPerMetric: 1000, flushIntervalMs: 60_000, now: () => T0 });
    await store.init();
    store.append(batch(SERIES.map((labels, i) => ({ labels, samples: [{ t: T0, v: i }] }))));
    await store.flush();
  });
  after(async () => {
    await db?.close();
    await scratch?.drop();
  });

  const cases: Array<[string, LabelMatcher[]]> = [
    ['name =', [{ name: '__name__', type: '=', value: 'up' }]],
    ['name =~', [{ name: '__name__', type: '=~', value: 'http_.*' }]],
    ['name !=, env missing counts as ""', [{ name: '__name__', type: '!=', value: 'up' }, { name: 'env', type: '=', value: '' }]],
    ['name !~ (the nameless series has name "")', [{ name: '__name__', type: '!~', value: 'up|http_.+' }]],
    ['=', [{ name: '__name__', type: '=', value: 'up' }, { name: 'env', type: '=', value: 'prod' }]],
    ['!= accepts a missing label', [{ name: '__name__', type: '=', value: 'up' }, { name: 'env', type: '!=', value: 'prod' }]],
    ['!= "" needs the label', [{ name: 'env', type: '!=', value: '' }]],
    ['=~ over many values (in process)', [{ name: 'instance', type: '=~', value: '10\\.0\\.0\\.[1-9].*' }]],
    ['=~ accepting "" (in process, refused set)', [{ name: '__name__', type: '=', value: 'up' }, { name: 'instance', type: '=~', value: '10\\.0\\.0\\.[0-4]:9100|' }]],
    ['!~ over many values', [{ name: '__name__', type: '=', value: 'up' }, { name: 'instance', type: '!~', value: '10\\.0\\.0\\.2.*' }, { name: 'job', type: '=~', value: 'api' }]],
    ['!~ refusing ""', [{ name: 'code', type: '!~', value: '' }]],
    ['an unknown value selects nothing', [{ name: 'job', type: '=', value: 'nope' }]],
    ['an unknown label with = "" selects all of a name', [{ name: '__name__', type: '=', value: 'http_requests_total' }, { name: 'zone', type: '=', value: '' }]],
  ];
  for (const [name, matchers] of cases) {
    it(`selects as Prometheus: ${name}`, async () => {
      const found = await findSeries(db, matchers, T0 - 60_000, T0 + 60_000);
      const expected = SERIES.filter((labels) => selects(labels, matchers)).map(key).sort();
      assert.deepEqual(found.map((s) => key(s.labels)).sort(), expected);
    });
  }

  it('rebuilds labels (no empty __name__), limits /api/v1/series, answers label names and values', async () => {
    const queryable = new PgSeriesQueryable(db);
    const nameless = await queryable.select([{ name: 'job', type: '=', value: 'nameless' }], T0 - 1, T0 + 1);
    assert.deepEqual(nameless, [{ labels: { env: 'dev', job: 'nameless' }, samples: [{ t: T0, v: 303 }] }]);
    const limited = await seriesLabels([[{ name: 'instance', type: '=~', value: '.+' }]], T0 - 1, T0 + 1, 7, db);
    assert.equal(limited.length, 7);
    assert.deepEqual(await labelNames([], T0 - 1, T0 + 1, db), ['__name__', 'code', 'env', 'instance', 'job', 'le']);
    assert.deepEqual(await labelNames([[{ name: '__name__', type: '=', value: 'http_requests_total' }]], T0 - 1, T0 + 1, db), ['__name__', 'code', 'env', 'job']);
    assert.deepEqual(await labelValues('__name__', [], T0 - 1, T0 + 1, db), ['http_request_duration_seconds_bucket', 'http_requests_total', 'up']);
    assert.deepEqual(await labelValues('job', [], T0 - 1, T0 + 1, db), ['api', 'db', 'nameless']);
    assert.deepEqual(await labelValues('env', [[{ name: 'job', type: '=', value: 'api' }]], T0 - 1, T0 + 1, db), ['dev', 'prod']);
    // Outside the range seen (and last_seen's hour of slack), nothing.
    assert.deepEqual(await labelValues('job', [], T0 + 3 * 3600_000, T0 + 4 * 3600_000, db), []);
  });

  it('a restarted store finds its series by hash and adds no row; retention removes pairs no series holds', async () => {
    const store = new MetricStore(db, { maxSeriesPerMetric: 1000, flushIntervalMs: 60_000, now: () => T0 });
    await store.init();
    store.append(batch([{ labels: SERIES[0]!, samples: [{ t: T0 + 15_000, v: 1 }] }, { labels: { __name__: 'late', job: 'late-job' }, samples: [{ t: T0 + 30 * 86_400_000, v: 1 }] }]));
    await store.flush();
    const [count] = await db.query<{ n: string }>('SELECT sum(n)::text AS n FROM metric_series_blocks');
    assert.equal(count!.n, String(SERIES.length + 1));
    const partitions = new MetricPartitionManager(db, 7, () => T0 + 31 * 86_400_000);
    const report = await partitions.applyRetention();
    assert.equal(report.deletedSeries, SERIES.length);
    const pairs = await db.query<{ name: string; value: string }>('SELECT name, value FROM metric_label_pairs ORDER BY name');
    assert.deepEqual(pairs, [
      { name: '__name__', value: 'late' },
      { name: 'job', value: 'late-job' },
    ]);
  });
});

describe('migration 20261129130000 converts jsonb series to label pairs', () => {
  let scratch: ScratchDatabase;
  let db: SqlExecutor;
  before(async () => {
    scratch = await createScratchDatabase('meshlight_series_migration');
    db = createPgExecutor(scratch.url, 1);
  });
  after(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('keeps ids, labels and hashes: the collector finds the converted series', async () => {
    await migrateUntil(db, '20261129130000');
    const old: Labels[] = [
      { __name__: 'up', job: 'api', instance: 'a:1' },
      { __name__: 'up', job: 'api', instance: 'b:1' },
      { job: 'nameless' },
    ];
    // As the collector wrote them before: MD5 of the sorted key, metric_name '' without a name.
    for (const labels of old) {
      await db.query('INSERT INTO metric_series (metric_name, labels, labels_hash, first_seen_ms, last_seen_ms) VALUES ($1, $2, $3, $4, $4)', [
        labels.__name__ ?? '',
        JSON.stringify(labels),
        createHash('md5').update(seriesKey(labels)).digest(),
        T0,
      ]);
    }
    const before = await db.query<{ id: string; labels: Labels }>('SELECT id::text, labels FROM metric_series ORDER BY id');
    await applyMigrations(db);
    const found = await findSeries(db, [], T0, T0);
    assert.deepEqual(
      found.map((s) => ({ id: String(s.id), labels: key(s.labels) })),
      before.map((row) => ({ id: row.id, labels: key(row.labels) })),
    );
    const store = new MetricStore(db, { maxSeriesPerMetric: 1000, flushIntervalMs: 60_000, now: () => T0 });
    await store.init();
    store.append(batch([...old, { __name__: 'up', job: 'api', instance: 'c:1' }].map((labels) => ({ labels, samples: [{ t: T0 + 1000, v: 1 }] }))));
    await store.flush();
    const ids = (await findSeries(db, [], T0, T0 + 1000)).map((s) => ({ id: String(s.id) }));
    assert.equal(ids.length, 4);
    assert.deepEqual(ids.slice(0, 3), before.map((row) => ({ id: row.id })));
  });
});

describe('migration 20261129170000 packs series rows into blocks', () => {
  let scratch: ScratchDatabase;
  let db: SqlExecutor;
  before(async () => {
    scratch = await createScratchDatabase('meshlight_series_blocks_migration');
    db = createPgExecutor(scratch.url, 1);
  });
  after(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('writes the bytes series-block.ts decodes: ids, first/last seen and pairs kept', async () => {
    await migrateUntil(db, '20261129170000');
    // Pair ids past one and two varint bytes; 150 series of one metric (three blocks), a series without pairs.
    await db.query(
      `INSERT INTO metric_label_pairs (id, hash, name, value) VALUES (1, 1, '__name__', 'up'), (2, 2, '__name__', ''), (300, 3, 'job', 'api'), (70000, 4, 'env', 'prod')`,
    );
    const expected: Array<{ metricId: number; entry: SeriesBlockEntry }> = [];
    for (let i = 0; i < 151; i++) {
      const entry: SeriesBlockEntry = {
        id: 1000 + 7 * i,
        firstSeenMs: T0 + (i % 7) * 1000 - (i === 3 ? 2 * T0 : 0),
        lastSeenMs: T0 + 3_600_000 + i,
        pairs: i === 150 ? [] : i % 2 ? [300, 70000] : [300],
      };
      expected.push({ metricId: i === 150 ? 2 : 1, entry });
      await db.query('INSERT INTO metric_series (id, labels_hash, first_seen_ms, last_seen_ms, metric_id, pairs) VALUES ($1, $2, $3, $4, $5, $6)', [
        entry.id,
        String(BigInt.asIntN(64, BigInt(i + 1) * 0x9e3779b97f4a7c15n)),
        entry.firstSeenMs,
        entry.lastSeenMs,
        i === 150 ? 2 : 1,
        entry.pairs,
      ]);
    }
    await applyMigrations(db);
    const blocks = await db.query<{ metric_id: number; block: number; n: number; first_seen_ms: string; last_seen_ms: string; data: Uint8Array }>(
      'SELECT metric_id, block, n, first_seen_ms::text, last_seen_ms::text, data FROM metric_series_blocks ORDER BY metric_id, block',
    );
    assert.deepEqual(
      blocks.map((b) => [b.metric_id, b.block, b.n]),
      [...Array.from({ length: Math.ceil(150 / SERIES_BLOCK_SIZE) }, (_, k) => [1, k, Math.min(SERIES_BLOCK_SIZE, 150 - k * SERIES_BLOCK_SIZE)]), [2, 0, 1]],
    );
    const decoded = blocks.flatMap((b) => decodeSeriesBlock(b.data).map((entry) => ({ metricId: b.metric_id, entry })));
    assert.deepEqual(decoded, expected);
    for (const b of blocks) {
      const entries = decodeSeriesBlock(b.data);
      assert.equal(b.first_seen_ms, String(Math.min(...entries.map((e) => e.firstSeenMs))));
      assert.equal(b.last_seen_ms, String(Math.max(...entries.map((e) => e.lastSeenMs))));
      assert.deepEqual([...b.data], [...encodeSeriesBlock(entries)]);
    }
    // The sequence goes on past the converted ids.
    const [next] = await db.query<{ id: string }>("SELECT nextval('metric_series_id_seq')::text AS id");
    assert.ok(Number(next!.id) > 0);
  });
});

describe('concurrent collectors', () => {
  let scratch: ScratchDatabase;
  let db: SqlExecutor;
  before(async () => {
    scratch = await createScratchDatabase('meshlight_series_blocks_race');
    await migrateDatabase(scratch.url);
    db = createPgExecutor(scratch.url, 6);
  });
  after(async () => {
    await db?.close();
    await scratch?.drop();
  });

  it('registering the same series at once gives each one id, stored once', async () => {
    const labels = Array.from({ length: 500 }, (_, i) => ({ __name__: `m${i % 3}`, instance: `h${i}:1`, job: 'j' }));
    const stores = [0, 1, 2].map(() => new MetricStore(db, { maxSeriesPerMetric: 10_000, flushIntervalMs: 60_000, now: () => T0 }));
    for (const store of stores) await store.init();
    stores.forEach((store, k) => store.append(batch(labels.map((l) => ({ labels: l, samples: [{ t: T0 + k, v: k }] })))));
    await Promise.all(stores.map((store) => store.flush()));
    const [count] = await db.query<{ n: string }>('SELECT sum(n)::text AS n FROM metric_series_blocks');
    assert.equal(count!.n, '500');
    const found = await findSeries(db, [], T0, T0 + 10);
    assert.equal(found.length, 500);
    assert.deepEqual(new Set(found.map((s) => key(s.labels))), new Set(labels.map(key)));
    // Every store's samples reached the one series of their label set.
    const series = await new PgSeriesQueryable(db).select([{ name: 'instance', type: '=', value: 'h7:1' }], T0, T0 + 10);
    assert.deepEqual(series.map((s) => s.samples.map((p) => p.t)), [[T0, T0 + 1, T0 + 2]]);
  });

  it('last seen is refreshed in the blocks: a later range finds only the series seen then', async () => {
    const later = T0 + 3 * 3_600_000;
    const restarted = new MetricStore(db, { maxSeriesPerMetric: 10_000, flushIntervalMs: 60_000, now: () => later });
    await restarted.init();
    restarted.append(batch([{ labels: { __name__: 'm1', instance: 'h1:1', job: 'j' }, samples: [{ t: later, v: 1 }] }]));
    await restarted.flush();
    const found = await findSeries(db, [], later, later);
    assert.deepEqual(found.map((s) => s.labels), [{ __name__: 'm1', instance: 'h1:1', job: 'j' }]);
    const [count] = await db.query<{ n: string }>('SELECT sum(n)::text AS n FROM metric_series_blocks');
    assert.equal(count!.n, '500');
  });

  it('series of more metrics than one transaction locks go a group of metrics at a time, as do last seen and retention', async () => {
    const labels = Array.from({ length: 600 }, (_, i) => ({ __name__: `many_${i % 300}`, instance: `h${i}:1` }));
    const store = new MetricStore(db, { maxSeriesPerMetric: 10_000, flushIntervalMs: 60_000, now: () => T0 });
    await store.init();
    store.append(batch(labels.map((l) => ({ labels: l, samples: [{ t: T0, v: 1 }] }))));
    await store.flush();
    const later = T0 + 2 * 3_600_000;
    store.append(batch(labels.map((l) => ({ labels: l, samples: [{ t: later, v: 2 }] }))));
    await store.flush();
    assert.equal((await findSeries(db, [{ name: '__name__', type: '=~', value: 'many_.*' }], later, later)).length, 600);
    const report = await new MetricPartitionManager(db, 7, () => T0 + 31 * 86_400_000).applyRetention();
    assert.equal(report.deletedSeries, 1100);
    const [left] = await db.query<{ blocks: string; pairs: string }>('SELECT (SELECT count(*) FROM metric_series_blocks)::text AS blocks, (SELECT count(*) FROM metric_label_pairs)::text AS pairs');
    assert.deepEqual(left, { blocks: '0', pairs: '0' });
  });
});
