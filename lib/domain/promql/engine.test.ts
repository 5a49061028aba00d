// Engine behaviour on small drawn series. Each series is drawn as one value per scrape (`_` = no
// sample, `stale` = staleness marker), in promtool's notation, at the interval given to `draw`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelMatcher, SeriesQueryable, SeriesSamples } from '../metrics/types';
import { evaluateInstant, evaluateRange, type ColumnarQueryable, type QueryResult } from './engine';
import { MemoryQueryable } from './memory-queryable';
import { parsePromQL } from './parser';
import { expandValues, parseSeriesLine, pointValue } from './promql-script';
import { PromQLEvalError } from './values';

const S = 1000;
const M = 60 * S;

/** Draws series: each line `metric{labels} v0 v1 v2 …`, sample k at k × intervalMs. */
function draw(intervalMs: number, drawing: string): MemoryQueryable {
  const store = new MemoryQueryable();
  for (const line of drawing.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const { labels, values } = parseSeriesLine(line);
    const samples = expandValues(values).flatMap((v, k) => (v === null ? [] : [{ t: k * intervalMs, v: pointValue(v) }]));
    store.add(labels, samples);
  }
  return store;
}

async function instant(store: SeriesQueryable, q: string, t: number): Promise<Record<string, number>> {
  const r = await evaluateInstant(store, parsePromQL(q), t);
  if (r.resultType === 'scalar') return { scalar: r.result[1] };
  assert.equal(r.resultType, 'vector');
  const out: Record<string, number> = {};
  if (r.resultType === 'vector') for (const s of r.result) out[JSON.stringify(s.metric)] = s.v;
  for (const k of Object.keys(out)) assert.equal(k, JSON.stringify(sortKeys(JSON.parse(k))), 'result labels are sorted by name');
  return out;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function matrix(r: QueryResult): Record<string, [number, number][]> {
  assert.equal(r.resultType, 'matrix');
  const out: Record<string, [number, number][]> = {};
  if (r.resultType === 'matrix') for (const s of r.result) out[JSON.stringify(s.metric)] = s.points.map(([t, v]) => [t / S, v]);
  return out;
}

test('rate and increase extrapolate and correct counter resets', async () => {
  //   t:        0   15  30  45  60  75  90
  //   x_total:  0   10  20  5   15  25  35    (reset to 0 between 30 s and 45 s)
  const store = draw(15 * S, `x_total{job="a"} 0 10 20 5 15 25 35`);
  // Window (30s, 90s]: samples 5, 15, 25, 35 → +30 over 45 s; extrapolated to the window edges.
  const inc = await instant(store, 'increase(x_total[1m])', 90 * S);
  assert.ok(Math.abs(inc['{"job":"a"}']! - 35) < 1e-9, `increase ${inc['{"job":"a"}']}`);
  // Window (0, 90s] (t=0 excluded): 10 → 20, the reset adds 20, → 35: +45 over 75 s of samples,
  // extrapolated by 15 s to the window start (under 1.1 × the 15 s spacing): 45 × 90/75 / 90 s.
  const rate = await instant(store, 'rate(x_total[90s])', 90 * S);
  assert.ok(Math.abs(rate['{"job":"a"}']! - 0.6) < 1e-9, `rate ${rate['{"job":"a"}']}`);
  assert.deepEqual(await instant(store, 'irate(x_total[1m])', 90 * S), { '{"job":"a"}': 10 / 15 });
  assert.deepEqual(await instant(store, 'resets(x_total[2m])', 90 * S), { '{"job":"a"}': 1 });
});

test('instant selectors look back 5 minutes; a staleness marker ends the series', async () => {
  //   t(min):  0  1  2      3  4  5
  //   up:      1  1  stale  _  _  _
  //   other:   7  _  _      _  _  _
  const store = draw(M, `
    up{job="a"} 1 1 stale
    other 7
  `);
  assert.deepEqual(await instant(store, 'up', 1 * M), { '{"__name__":"up","job":"a"}': 1 });
  assert.deepEqual(await instant(store, 'up', 2 * M), {}, 'stale marker hides the series');
  assert.deepEqual(await instant(store, 'other', 4 * M + 59 * S), { '{"__name__":"other"}': 7 });
  assert.deepEqual(await instant(store, 'other', 5 * M), {}, 'lookback is left-open: (t-5m, t]');
});

test('range queries evaluate every step; offset and @ shift or pin the time', async () => {
  //   t(min):  0  1  2  3  4
  //   g:       0  1  2  3  4
  const store = draw(M, `g 0 1 2 3 4`);
  const r = await evaluateRange(store, parsePromQL('g'), 0, 4 * M, M);
  assert.deepEqual(matrix(r), { '{"__name__":"g"}': [[0, 0], [60, 1], [120, 2], [180, 3], [240, 4]] });
  assert.deepEqual(matrix(await evaluateRange(store, parsePromQL('g offset 2m'), 2 * M, 4 * M, M)), {
    '{"__name__":"g"}': [[120, 0], [180, 1], [240, 2]],
  });
  assert.deepEqual(matrix(await evaluateRange(store, parsePromQL('g @ 60'), 0, 2 * M, M)), { '{"__name__":"g"}': [[0, 1], [60, 1], [120, 1]] });
  assert.deepEqual(matrix(await evaluateRange(store, parsePromQL('g @ end()'), 0, 2 * M, M)), { '{"__name__":"g"}': [[0, 2], [60, 2], [120, 2]] });
});

test('aggregations group by labels; without drops the metric name', async () => {
  const store = draw(M, `
    req{job="api", instance="1"} 10
    req{job="api", instance="2"} 30
    req{job="db",  instance="3"} 5
  `);
  assert.deepEqual(await instant(store, 'sum by (job) (req)', 0), { '{"job":"api"}': 40, '{"job":"db"}': 5 });
  assert.deepEqual(await instant(store, 'avg without (instance) (req)', 0), { '{"job":"api"}': 20, '{"job":"db"}': 5 });
  assert.deepEqual(await instant(store, 'count(req)', 0), { '{}': 3 });
  assert.deepEqual(await instant(store, 'topk(1, req)', 0), { '{"__name__":"req","instance":"2","job":"api"}': 30 });
  assert.deepEqual(await instant(store, 'quantile(0.5, req)', 0), { '{}': 10 });
  assert.deepEqual(await instant(store, 'count_values("v", req)', 0), { '{"v":"10"}': 1, '{"v":"30"}': 1, '{"v":"5"}': 1 });
});

test('binary operators match vectors on labels, with group_left and bool', async () => {
  const store = draw(M, `
    errors{job="api", code="500"} 2
    errors{job="api", code="503"} 6
    total{job="api"} 100
  `);
  assert.deepEqual(await instant(store, 'errors / ignoring(code) group_left total', 0), {
    '{"code":"500","job":"api"}': 0.02,
    '{"code":"503","job":"api"}': 0.06,
  });
  await assert.rejects(evaluateInstant(store, parsePromQL('errors / ignoring(code) total'), 0), (err: unknown) => err instanceof PromQLEvalError && /many-to-one matching must be explicit/.test(err.message));
  assert.deepEqual(await instant(store, 'errors > 3', 0), { '{"__name__":"errors","code":"503","job":"api"}': 6 });
  assert.deepEqual(await instant(store, 'errors > bool 3', 0), { '{"code":"500","job":"api"}': 0, '{"code":"503","job":"api"}': 1 });
  assert.deepEqual(await instant(store, 'errors unless on(code) errors{code="500"}', 0), { '{"__name__":"errors","code":"503","job":"api"}': 6 });
  assert.deepEqual(await instant(store, '2 ^ 3 + 1', 0), { scalar: 9 });
});

test('histogram_quantile interpolates classic buckets', async () => {
  // 100 observations: 50 ≤ 0.1 s, 90 ≤ 0.5 s, all ≤ 1 s.
  const store = draw(M, `
    lat_bucket{le="0.1"} 50
    lat_bucket{le="0.5"} 90
    lat_bucket{le="1"} 100
    lat_bucket{le="+Inf"} 100
  `);
  const r = await instant(store, 'histogram_quantile(0.9, lat_bucket)', 0);
  assert.ok(Math.abs(r['{}']! - 0.5) < 1e-12);
  const p75 = await instant(store, 'histogram_quantile(0.75, lat_bucket)', 0);
  assert.ok(Math.abs(p75['{}']! - (0.1 + 0.4 * (25 / 40))) < 1e-12);
});

test('label_replace, absent and name-dropping collisions', async () => {
  const store = draw(M, `
    a{src="x-1"} 1
    b{src="x-1"} 2
  `);
  assert.deepEqual(await instant(store, 'label_replace(a, "id", "$1", "src", "x-(.*)")', 0), { '{"__name__":"a","id":"1","src":"x-1"}': 1 });
  assert.deepEqual(await instant(store, 'absent(nothing{job="j"})', 0), { '{"job":"j"}': 1 });
  await assert.rejects(evaluateInstant(store, parsePromQL('abs({src="x-1"})'), 0), /vector cannot contain metrics with the same labelset/);
});

test('subqueries evaluate the inner expression at aligned steps', async () => {
  //   t(min):  0  1  2  3  4  5
  //   c:       0  1  2  3  4  5
  const store = draw(M, `c 0 1 2 3 4 5`);
  // [3m:1m] at 5m → inner steps 3m, 4m, 5m (left-open at 2m): values 3, 4, 5.
  assert.deepEqual(await instant(store, 'sum_over_time(c[3m:1m])', 5 * M), { '{}': 12 });
  assert.deepEqual(await instant(store, 'max_over_time(deriv(c[2m])[4m:])', 5 * M), { '{}': 1 / 60 });
});

test('each selector issues exactly one select over the window it needs', async () => {
  const store = draw(15 * S, `x_total{job="a"} 0+1x400`);
  const calls: [string, number, number][] = [];
  const spy: SeriesQueryable = {
    select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
      calls.push([matchers.map((m) => `${m.name}${m.type}${m.value}`).join(','), startMs, endMs]);
      return store.select(matchers, startMs, endMs);
    },
  };
  await evaluateRange(spy, parsePromQL('rate(x_total[5m] offset 1m) + x_total @ 600'), 60 * M, 70 * M, 15 * S);
  assert.deepEqual(calls, [
    ['__name__=x_total', 60 * M - M - 5 * M, 70 * M - M],
    ['__name__=x_total', 600 * S - 5 * M, 600 * S],
  ]);
});

test("compat 'prometheus2' uses closed windows and lookback, as Prometheus 2.x", async () => {
  //   t(min):  0  1  2  3  4  5
  //   g:       0  1  2  3  4  5
  const store = draw(M, `g 0 1 2 3 4 5`);
  const q = parsePromQL('count_over_time(g[2m])');
  // Left-open (1m, 3m] holds 2 samples; closed [1m, 3m] holds 3.
  assert.deepEqual((await evaluateInstant(store, q, 3 * M)).result, [{ metric: {}, t: 3 * M, v: 2 }]);
  assert.deepEqual((await evaluateInstant(store, q, 3 * M, { compat: 'prometheus2' })).result, [{ metric: {}, t: 3 * M, v: 3 }]);
  const only = draw(M, `h 1`);
  assert.deepEqual((await evaluateInstant(only, parsePromQL('h'), 5 * M)).result, []);
  assert.deepEqual((await evaluateInstant(only, parsePromQL('h'), 5 * M, { compat: 'prometheus2' })).result, [{ metric: { __name__: 'h' }, t: 5 * M, v: 1 }]);
});

test('queries loading more samples than maxSamples fail with Prometheus’s message', async () => {
  const store = draw(15 * S, `x_total{job="a"} 0+1x100\nx_total{job="b"} 0+1x100`);
  await assert.rejects(
    evaluateRange(store, parsePromQL('rate(x_total[5m])'), 5 * M, 20 * M, 15 * S, { maxSamples: 100 }),
    /query processing would load too many samples into memory/,
  );
  assert.equal((await evaluateRange(store, parsePromQL('rate(x_total[5m])'), 5 * M, 20 * M, 15 * S, { maxSamples: 1000 })).resultType, 'matrix');
});

test('*_over_time, absent_over_time, clamp, label_join, date functions and sort on a drawn gauge', async () => {
  //   t(min):  0  1  2  3  4
  //   temp:    4  8  _  2  6      (no sample at 2m)
  const store = draw(M, `temp{room="a"} 4 8 _ 2 6`);
  const at4 = (q: string) => instant(store, q, 4 * M);
  const room = '{"room":"a"}';
  assert.deepEqual(await at4('avg_over_time(temp[3m])'), { [room]: 4 }, 'window (1m, 4m]: 2, 6');
  assert.deepEqual(await at4('max_over_time(temp[5m])'), { [room]: 8 });
  assert.deepEqual(await at4('count_over_time(temp[5m])'), { [room]: 4 });
  assert.deepEqual(await at4('last_over_time(temp[5m])'), { '{"__name__":"temp","room":"a"}': 6 }, 'keeps the name');
  assert.deepEqual(await at4('absent_over_time(temp[30s])'), {});
  assert.deepEqual(await instant(store, 'absent_over_time(temp{room="a"}[30s])', 2 * M + 30 * S), { [room]: 1 });
  assert.deepEqual(await at4('clamp(temp, 0, 5)'), { [room]: 5 });
  assert.deepEqual(await at4('label_join(temp, "id", "-", "__name__", "room")'), { '{"__name__":"temp","id":"temp-a","room":"a"}': 6 });
  assert.deepEqual(await instant(store, 'hour(vector(7200 + 59))', 0), { '{}': 2 });
  assert.deepEqual(await instant(store, 'day_of_week(vector(0))', 0), { '{}': 4 }, '1970-01-01 was a Thursday');
  const sorted = await evaluateInstant(draw(M, `s{i="1"} 3\ns{i="2"} 1\ns{i="3"} 2`), parsePromQL('sort_desc(s)'), 0);
  assert.deepEqual(sorted.resultType === 'vector' && sorted.result.map((r) => r.v), [3, 2, 1]);
});

test('a ColumnarQueryable (selectColumns) gives the same results, staleness included', async () => {
  const store = draw(15 * S, `
    x_total{job="a"} 0+5x30 stale _x5 100+5x20
    x_total{job="b"} 3+1x60
    g{job="a"} 1 2 stale 4 5 _ 7x40
  `);
  const columnar: ColumnarQueryable = {
    select: (m, a, b) => store.select(m, a, b),
    async selectColumns(m, a, b) {
      return (await store.select(m, a, b)).map((s) => {
        const t = new Float64Array(s.samples.length);
        const v = new Float64Array(s.samples.length);
        s.samples.forEach((p, i) => {
          t[i] = p.t;
          v[i] = p.v;
        });
        return { labels: s.labels, t, v };
      });
    },
  };
  for (const q of ['x_total', 'g', 'rate(x_total[1m])', 'count_over_time(g[2m])', 'sum by (job) (x_total)', 'max_over_time(g[1m:15s])']) {
    const expr = parsePromQL(q);
    const a = await evaluateRange(store, expr, 0, 20 * M, 15 * S);
    const b = await evaluateRange(columnar, expr, 0, 20 * M, 15 * S);
    assert.deepEqual(b, a, q);
  }
  // The stale marker at 7m45s ends x_total{job="a"} until new samples arrive at 9m15s.
  const r = matrix(await evaluateRange(columnar, parsePromQL('x_total{job="a"}'), 7 * M + 45 * S, 9 * M + 15 * S, 15 * S));
  assert.deepEqual(r['{"__name__":"x_total","job":"a"}'], [[555, 100]]);
});
