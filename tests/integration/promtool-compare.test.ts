// Cross-check against the real Prometheus engine: the same drawn series and a table of queries go to
// `promtool test rules` (Prometheus 2.42 from Debian, its PromQL engine in-process) and to our
// evaluator with compat 'prometheus2'. promtool is given no expected samples, so it prints what its
// engine got for every query; those results must equal ours (relative error ≤ 1e-9), both from the
// in-memory store and through our storage: the same samples appended to the collector's MetricStore
// (flushed as they arrive, so the series are read back from closed chunks and head blocks in a
// scratch PostgreSQL) and read by PgSeriesQueryable. Skipped when promtool is not installed
// (`apt-get install -y prometheus`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MetricStore } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import { PgSeriesQueryable } from '../../lib/db/metrics/pg-series-queryable';
import type { Labels, SeriesQueryable, SeriesSamples } from '../../lib/domain/metrics/types';
import { evaluateInstant } from '../../lib/domain/promql/engine';
import { almostEqual, labelsKey } from '../../lib/domain/promql/labels';
import { MemoryQueryable } from '../../lib/domain/promql/memory-queryable';
import { parsePromQL } from '../../lib/domain/promql/parser';
import { expandValues, parseSeriesLine, pointValue } from '../../lib/domain/promql/promql-script';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase } from '../support/scratch-database';

const INTERVAL_MS = 15_000;

// One value per 15 s scrape, promtool/promqltest notation.
const SERIES = [
  'x_total{job="api",instance="1"} 0+10x120',
  'x_total{job="api",instance="2"} 0+3x40 5+3x79',
  'x_total{job="db",instance="3"} 100+1x60 _x10 170+2x49',
  'mem{job="api",instance="1"} 10 12 9 14 20 18x30 30-1x60 5+0.5x20',
  'mem{job="db",instance="3"} 100+7x120',
  'owner{job="api",team="web"} 1x120',
  'owner{job="db",team="data"} 1x120',
  'h_bucket{le="0.1"} 0+5x120',
  'h_bucket{le="0.5"} 0+9x120',
  'h_bucket{le="1"} 0+12x120',
  'h_bucket{le="+Inf"} 0+13x120',
];

const QUERIES = [
  'rate(x_total[5m])',
  'irate(x_total[1m])',
  'increase(x_total[2m])',
  'delta(mem[3m])',
  'idelta(mem[1m])',
  'deriv(mem[5m])',
  'predict_linear(mem[5m], 600)',
  'resets(x_total[10m])',
  'changes(mem[10m])',
  'avg_over_time(mem[4m])',
  'min_over_time(mem[4m])',
  'max_over_time(mem[4m])',
  'sum_over_time(mem[4m])',
  'count_over_time(x_total[4m])',
  'stddev_over_time(mem[4m])',
  'quantile_over_time(0.9, mem[6m])',
  'last_over_time(mem[1m])',
  'sum by (job) (rate(x_total[5m]))',
  'avg without (instance) (mem)',
  'max(mem)',
  'min by (job) (mem)',
  'count(x_total)',
  'stddev(mem)',
  'topk(1, mem)',
  'bottomk(2, x_total)',
  'quantile(0.5, x_total)',
  'histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))',
  'histogram_quantile(0.5, h_bucket)',
  'mem / on(job) group_left(team) owner',
  'x_total > bool on(instance) mem',
  'x_total unless on(job) owner{team="data"}',
  'mem > 20 or x_total < 50',
  'abs(-mem) + ceil(mem / 7) - floor(mem / 3)',
  'round(mem / 7, 0.5)',
  'clamp_min(mem, 15)',
  'clamp_max(x_total, 100)',
  'label_replace(mem, "host", "h-$1", "instance", "(.*)")',
  'scalar(sum(mem)) * vector(2)',
  'time() - timestamp(mem)',
  'mem offset 3m',
  'mem @ 300',
  'rate(x_total[5m] @ 600)',
  'max_over_time(rate(x_total[2m])[10m:1m])',
  'absent(nonexistent{job="x"})',
  'x_total % 7 ^ 2',
];

const EVAL_TIMES = ['10m', '17m37s', '29m'];

function promtoolAvailable(): boolean {
  return spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
}

function yamlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Parses promtool's `got:` list: `{a="b"} 1.5E+00, name{…} NaN`. */
function parseGot(text: string): { labels: Labels; value: number }[] {
  const out: { labels: Labels; value: number }[] = [];
  const re = /([A-Za-z_:][\w:]*)?\{([^}]*)\} ([-+]?(?:Inf|NaN|[0-9.]+(?:E[-+]?\d+)?))/g;
  for (const m of text.matchAll(re)) {
    const labels: Record<string, string> = {};
    if (m[1]) labels['__name__'] = m[1];
    for (const lm of m[2]!.matchAll(/([\w]+)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!;
    const raw = m[3]!;
    const value = /Inf$/.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : raw === 'NaN' ? NaN : Number(raw);
    out.push({ labels, value });
  }
  return out;
}

test('compat prometheus2 results equal Prometheus 2.42 (promtool) on a table of queries', { skip: !promtoolAvailable() && 'promtool not installed' }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-promtool-'));
  try {
    const cases = QUERIES.flatMap((q) => EVAL_TIMES.map((t) => ({ q, t })));
    const yaml = [
      'rule_files: []',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 15s',
      '    input_series:',
      ...SERIES.map((line) => {
        const i = line.lastIndexOf('} ');
        return `      - series: ${yamlString(line.slice(0, i + 1))}\n        values: ${yamlString(line.slice(i + 2))}`;
      }),
      '    promql_expr_test:',
      ...cases.map((c) => `      - expr: ${yamlString(c.q)}\n        eval_time: ${c.t}\n        exp_samples: []`),
    ].join('\n');
    const file = path.join(dir, 'compare.yml');
    writeFileSync(file, yaml);
    const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
    const output = run.stdout + run.stderr;
    // Every case with a non-empty result fails (no expectations given) and prints what it got.
    const got = new Map<string, { labels: Labels; value: number }[]>();
    for (const block of output.split(/\n\s*expr: /).slice(1)) {
      const head = /^"((?:[^"\\]|\\.)*)", time: (\S+),/.exec(block);
      const gotLine = /got: (.*)/.exec(block);
      if (!head) continue;
      got.set(`${JSON.parse(`"${head[1]}"`)}@${head[2]}`, gotLine ? parseGot(gotLine[1]!) : []);
    }
    assert.ok(got.size > 0, `promtool printed no results:\n${output.slice(0, 2000)}`);

    const store = new MemoryQueryable();
    for (const line of SERIES) {
      const { labels, values } = parseSeriesLine(line);
      store.add(
        labels,
        expandValues(values).flatMap((v, k) => (v === null ? [] : [{ t: k * INTERVAL_MS, v: pointValue(v) }])),
      );
    }
    const stored = await throughStorage(store);
    const problems: string[] = [];
    for (const [where, queryable] of [['in memory', store], ['through PostgreSQL', stored.queryable]] as Array<[string, SeriesQueryable]>) {
    for (const { q, t } of cases) {
      const timeMs = Number(/^(\d+)m/.exec(t)?.[1] ?? 0) * 60_000 + Number(/(\d+)s$/.exec(t)?.[1] ?? 0) * 1000;
      const ours = await evaluateInstant(queryable, parsePromQL(q), timeMs, { compat: 'prometheus2' });
      const mine = ours.resultType === 'vector' ? ours.result.map((s) => ({ labels: s.metric, value: s.v })) : [];
      const theirs = got.get(`${q}@${t}`) ?? [];
      const byKey = new Map(theirs.map((s) => [labelsKey(s.labels), s.value]));
      if (theirs.length !== mine.length) {
        problems.push(`${where}: ${q} @ ${t}: promtool ${theirs.length} samples, ours ${mine.length}`);
        continue;
      }
      for (const s of mine) {
        const v = byKey.get(labelsKey(s.labels));
        if (v === undefined) problems.push(`${where}: ${q} @ ${t}: promtool has no ${JSON.stringify(s.labels)}`);
        else if (!almostEqual(v, s.value, 1e-9)) problems.push(`${where}: ${q} @ ${t}: ${JSON.stringify(s.labels)} promtool ${v}, ours ${s.value}`);
      }
    }
    }
    await stored.close();
    assert.deepEqual(problems, [], problems.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The memory store's series appended to a MetricStore in time order (a scrape at a time) and
 * flushed every 5 scrapes, in a scratch database: 121 samples per series leave one closed chunk
 * (120 samples) and head blocks (what open chunks got between flushes, a row per group of series),
 * as a running collector's storage would.
 */
async function throughStorage(memory: MemoryQueryable): Promise<{ queryable: SeriesQueryable; close(): Promise<void> }> {
  const database = await createScratchDatabase('meshlight_promtool');
  await migrateDatabase(database.url);
  const db = createPgExecutor(database.url, 2);
  const store = new MetricStore(db, { maxSeriesPerMetric: 1000, flushIntervalMs: 3_600_000 });
  await store.init();
  const all = await memory.select([{ type: '=~', name: '__name__', value: '.+' }], -Infinity, Infinity);
  const steps = new Map<number, SeriesSamples[]>();
  for (const s of all) for (const p of s.samples) steps.set(p.t, [...(steps.get(p.t) ?? []), { labels: s.labels, samples: [p] }]);
  let n = 0;
  for (const t of [...steps.keys()].sort((a, b) => a - b)) {
    const series = steps.get(t)!;
    store.append({ series, metadata: [], sampleCount: series.length, rejectedSamples: 0, rejectionMessage: '' });
    if (++n % 5 === 0) await store.flush();
  }
  await store.flush();
  const [counts] = await db.query<{ chunks: bigint; blocks: bigint }>(
    'SELECT (SELECT count(*) FROM metric_chunks) AS chunks, (SELECT count(*) FROM metric_head_blocks) AS blocks',
  );
  assert.ok(Number(counts?.chunks) > 0 && Number(counts?.blocks) > 0, 'read back from closed chunks and head blocks');
  return {
    queryable: new PgSeriesQueryable(db),
    async close() {
      await db.close();
      await database.drop();
    },
  };
}
