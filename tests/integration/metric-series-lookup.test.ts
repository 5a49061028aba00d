// Series stored as label-pair ids (metric_label_pairs + metric_series.pairs) on the real PostgreSQL:
// every matcher kind finds exactly the series Prometheus's semantics select (a missing label equals
// "", regexes fully anchored), through both the in-database filter (small id sets) and the
// in-process one (a regex over hundreds of values); label names and values with and without
// selectors; retention removes the pairs no series holds; the migration converts jsonb series.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MetricPartitionManager } from '../../collector/store/metric-partitions';
import { MetricStore, seriesKey } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { findSeries, PgSeriesQueryable } from '../../lib/db/metrics/pg-series-queryable';
import { labelNames, labelValues, seriesLabels } from '../../lib/db/metrics/prometheus-queries';
import { applyMigrations, readMigrations } from '../../lib/db/migrator';
import type { LabelMatcher, Labels, MetricBatch, SeriesSamples } from '../../lib/domain/metrics/types';
import { migrateDatabase } from '../support/migrate';
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
    const [count] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM metric_series');
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
    const all = await readMigrations();
    const at = all.findIndex((m) => m.name.startsWith('20261129130000'));
    await applyMigrations(db, all.slice(0, at));
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
    await applyMigrations(db, all);
    const found = await findSeries(db, [], T0, T0);
    assert.deepEqual(
      found.map((s) => ({ id: String(s.id), labels: key(s.labels) })),
      before.map((row) => ({ id: row.id, labels: key(row.labels) })),
    );
    const store = new MetricStore(db, { maxSeriesPerMetric: 1000, flushIntervalMs: 60_000, now: () => T0 });
    await store.init();
    store.append(batch([...old, { __name__: 'up', job: 'api', instance: 'c:1' }].map((labels) => ({ labels, samples: [{ t: T0 + 1000, v: 1 }] }))));
    await store.flush();
    const ids = await db.query<{ id: string }>('SELECT id::text FROM metric_series ORDER BY id');
    assert.equal(ids.length, 4);
    assert.deepEqual(ids.slice(0, 3), before.map((row) => ({ id: row.id })));
  });
});
