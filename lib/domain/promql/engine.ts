// The PromQL evaluator: one async select per selector over the window the query needs (planned from
// the AST: lookback, ranges, offsets, @, subqueries), then a synchronous walk that evaluates every
// node once over all steps, as Prometheus's engine (promql/engine.go) does. Semantics are Prometheus
// 3.x: 5 min lookback, staleness markers end a series, left-open range windows (t-range, t], delayed
// `__name__` removal.
import type { LabelMatcher, Labels, SeriesQueryable, SeriesSamples } from '../metrics/types';
import { isStaleNaN } from '../metrics/types';
import type { AtModifier, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast';
import { typeOf } from './ast';
import { evalAggregate } from './aggregate';
import { evalBinary } from './binary';
import { evalCall } from './functions';
import { compareLabels, labelsKey, sortedLabels, withoutName } from './labels';
import {
  PromQLEvalError,
  SeriesBuilder,
  newStepSeries,
  type EvalValue,
  type RangeSeries,
  type RangeSource,
  type StepSeries,
} from './values';

export interface EvalOptions {
  /** How far back an instant selector looks for a sample (default 5 min, as Prometheus). */
  lookbackDeltaMs?: number;
  /** Step of subqueries written without one, e.g. `x[5m:]` (default 1 min, Prometheus's global evaluation interval). */
  subqueryStepMs?: number;
  /**
   * 'prometheus3' (default): left-open windows (t-range, t] and lookback (t-5m, t], Prometheus 3.x.
   * 'prometheus2': closed windows [t-range, t] and lookback, subquery alignment and rate()
   * extrapolation as Prometheus 2.x, for comparing results with a real Prometheus 2.42.
   */
  compat?: 'prometheus3' | 'prometheus2';
  /** Most samples the selectors may load (Prometheus's --query.max-samples, default 50,000,000). */
  maxSamples?: number;
}

export const DEFAULT_MAX_SAMPLES = 50_000_000;
export const TOO_MANY_SAMPLES = 'query processing would load too many samples into memory in query execution';

export const DEFAULT_LOOKBACK_MS = 5 * 60_000;
export const DEFAULT_SUBQUERY_STEP_MS = 60_000;
/** Prometheus's API limit on points per series in a range query. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** A selected series in evaluator form: typed arrays and a staleness mask. */
interface LoadedSeries {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
  stale: Uint8Array;
}

export interface VectorSample {
  metric: Labels;
  t: number;
  v: number;
}
export interface MatrixSeries {
  metric: Labels;
  /** [timestamp ms, value] pairs, ascending. */
  points: [number, number][];
}

/** An evaluation result, timestamps in ms (format.ts renders Prometheus's JSON). */
export type QueryResult =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: [number, number] }
  | { resultType: 'string'; result: [number, string] };

interface Window {
  minT: number;
  maxT: number;
}

/** Walks the AST and records, per selector, the [min, max] sample times it needs. */
function planSelects(
  e: Expr,
  lo: number,
  hi: number,
  q: { startMs: number; endMs: number; lookbackMs: number; subStepMs: number; slackMs: number },
  out: Map<VectorSelector, Window>,
): void {
  const at = (a: AtModifier | null) => resolveAt(a, q.startMs, q.endMs);
  switch (e.type) {
    case 'VectorSelector': {
      const a = at(e.at);
      const from = (a ?? lo) - e.offsetMs - q.lookbackMs;
      const to = (a ?? hi) - e.offsetMs;
      out.set(e, { minT: from, maxT: to });
      return;
    }
    case 'MatrixSelector': {
      const a = at(e.vector.at);
      out.set(e.vector, { minT: (a ?? lo) - e.vector.offsetMs - e.rangeMs - q.slackMs, maxT: (a ?? hi) - e.vector.offsetMs });
      return;
    }
    case 'Subquery': {
      const a = at(e.at);
      planSelects(e.expr, (a ?? lo) - e.offsetMs - e.rangeMs - q.slackMs, (a ?? hi) - e.offsetMs, q, out);
      return;
    }
    case 'Paren':
    case 'Unary':
      planSelects(e.expr, lo, hi, q, out);
      return;
    case 'Binary':
      planSelects(e.lhs, lo, hi, q, out);
      planSelects(e.rhs, lo, hi, q, out);
      return;
    case 'Call':
      for (const a of e.args) planSelects(a, lo, hi, q, out);
      return;
    case 'Aggregate':
      planSelects(e.expr, lo, hi, q, out);
      if (e.param) planSelects(e.param, lo, hi, q, out);
      return;
    case 'NumberLiteral':
    case 'StringLiteral':
      return;
  }
}

export function resolveAt(a: AtModifier | null, startMs: number, endMs: number): number | null {
  if (!a) return null;
  if (a.kind === 'start') return startMs;
  if (a.kind === 'end') return endMs;
  return a.ms;
}

/** First index with t >= minT (binary search; samples ascend). */
function lowerBound(samples: readonly { t: number }[], minT: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (samples[mid]!.t < minT) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function loadSeries(selected: SeriesSamples[], w: Window): LoadedSeries[] {
  const out: LoadedSeries[] = [];
  for (const s of selected) {
    const src = s.samples;
    const from = lowerBound(src, w.minT);
    let to = src.length;
    while (to > from && src[to - 1]!.t > w.maxT) to--;
    const n = to - from;
    if (n <= 0) continue;
    const t = new Float64Array(n);
    const v = new Float64Array(n);
    const stale = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = src[from + i]!;
      t[i] = p.t;
      v[i] = p.v;
      if (p.v !== p.v && isStaleNaN(p.v)) stale[i] = 1;
    }
    out.push({ labels: s.labels, t, v, stale });
  }
  return out;
}

/**
 * Optional fast path for stores that decode samples into columns anyway (e.g. chunk decoders):
 * `selectColumns` returns, per series, ascending timestamps and values as Float64Arrays over
 * [startMs, endMs], with staleness markers as the STALE_NAN_BITS pattern in `v` (typed arrays keep
 * NaN payloads; plain JS number arrays may not). The engine then skips building Sample objects.
 */
export interface ColumnarSeries {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}
export interface ColumnarQueryable extends SeriesQueryable {
  selectColumns(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<ColumnarSeries[]>;
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

function isColumnar(q: SeriesQueryable): q is ColumnarQueryable {
  return typeof (q as Partial<ColumnarQueryable>).selectColumns === 'function';
}

/** Columns in evaluator form: a window of the arrays (no copy) and a staleness mask from the raw bits. */
function loadColumns(selected: ColumnarSeries[], w: Window): LoadedSeries[] {
  const out: LoadedSeries[] = [];
  for (const s of selected) {
    let from = 0;
    let to = s.t.length;
    while (from < to && s.t[from]! < w.minT) from++;
    while (to > from && s.t[to - 1]! > w.maxT) to--;
    if (to <= from) continue;
    const t = s.t.subarray(from, to);
    const v = s.v.subarray(from, to);
    const stale = new Uint8Array(to - from);
    // Integer view of the values: the marker is recognised by its bits, never through a JS number.
    const words = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
    const hiIdx = LITTLE_ENDIAN ? 1 : 0;
    for (let i = 0; i < v.length; i++) {
      if (words[2 * i + hiIdx] === 0x7ff00000 && words[2 * i + 1 - hiIdx] === 0x00000002) stale[i] = 1;
    }
    out.push({ labels: s.labels, t, v, stale });
  }
  return out;
}

/** Fetches every selector's window (one select each, concurrently). */
async function fetchAll(queryable: SeriesQueryable, windows: Map<VectorSelector, Window>, maxSamples: number): Promise<Map<VectorSelector, LoadedSeries[]>> {
  const entries = [...windows.entries()];
  const data = new Map<VectorSelector, LoadedSeries[]>();
  let total = 0;
  if (isColumnar(queryable)) {
    const results = await Promise.all(entries.map(([sel, w]) => queryable.selectColumns(sel.matchers, w.minT, w.maxT)));
    for (const r of results) for (const s of r) total += s.t.length;
    if (total > maxSamples) throw new PromQLEvalError(TOO_MANY_SAMPLES);
    entries.forEach(([sel, w], i) => data.set(sel, loadColumns(results[i]!, w)));
    return data;
  }
  const results = await Promise.all(entries.map(([sel, w]) => queryable.select(sel.matchers, w.minT, w.maxT)));
  for (const r of results) for (const s of r) total += s.samples.length;
  if (total > maxSamples) throw new PromQLEvalError(TOO_MANY_SAMPLES);
  entries.forEach(([sel, w], i) => data.set(sel, loadSeries(results[i]!, w)));
  return data;
}

export class Evaluator {
  readonly steps: number;
  constructor(
    private readonly data: Map<VectorSelector, LoadedSeries[]>,
    readonly startMs: number,
    readonly stepMs: number,
    steps: number,
    readonly queryStartMs: number,
    readonly queryEndMs: number,
    readonly lookbackMs: number,
    readonly subStepMs: number,
    /** The query's step (0 for instant queries), for step(). */
    readonly queryStepMs: number,
    /** 1 for Prometheus 2's closed windows ([t-r, t] = (t-r-1ms, t]), else 0. */
    readonly windowSlackMs: number = 0,
  ) {
    this.steps = steps;
  }

  time(i: number): number {
    return this.startMs + i * this.stepMs;
  }

  at(a: AtModifier | null): number | null {
    return resolveAt(a, this.queryStartMs, this.queryEndMs);
  }

  eval(e: Expr): EvalValue {
    switch (e.type) {
      case 'NumberLiteral':
        return this.scalar(() => e.value);
      case 'StringLiteral':
        return { kind: 'string', value: e.value };
      case 'Paren':
        return this.eval(e.expr);
      case 'Unary': {
        const v = this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => -x) };
        if (v.kind === 'vector') {
          return {
            kind: 'vector',
            series: v.series.map((s) => ({ labels: s.labels, dropName: true, values: s.values.map((x) => -x), has: s.has })),
          };
        }
        throw new PromQLEvalError('unary expression only allowed on expressions of type scalar or instant vector');
      }
      case 'VectorSelector':
        return { kind: 'vector', series: this.selectVector(e, false) };
      case 'MatrixSelector':
        return { kind: 'matrix', source: this.matrixSource(e) };
      case 'Subquery':
        return { kind: 'matrix', source: this.subquerySource(e) };
      case 'Call':
        return evalCall(this, e);
      case 'Aggregate':
        return evalAggregate(this, e);
      case 'Binary':
        return evalBinary(this, e);
    }
  }

  scalar(f: (i: number) => number): EvalValue {
    const values = new Float64Array(this.steps);
    for (let i = 0; i < this.steps; i++) values[i] = f(i);
    return { kind: 'scalar', values };
  }

  evalVector(e: Expr): StepSeries[] {
    const v = this.eval(e);
    if (v.kind !== 'vector') throw new PromQLEvalError(`expected instant vector, got ${v.kind}`);
    return v.series;
  }

  evalScalar(e: Expr): Float64Array {
    const v = this.eval(e);
    if (v.kind !== 'scalar') throw new PromQLEvalError(`expected scalar, got ${v.kind}`);
    return v.values;
  }

  evalMatrix(e: Expr): RangeSource {
    const v = this.eval(e);
    if (v.kind !== 'matrix') throw new PromQLEvalError(`expected range vector, got ${v.kind}`);
    return v.source;
  }

  /** Instant selection with lookback; `timestamps` yields the chosen sample's time (for timestamp()). */
  selectVector(sel: VectorSelector, timestamps: boolean): StepSeries[] {
    const loaded = this.data.get(sel) ?? [];
    const at = this.at(sel.at);
    const out: StepSeries[] = [];
    for (const s of loaded) {
      const series = newStepSeries(s.labels, false, this.steps);
      let j = 0;
      let any = false;
      const n = s.t.length;
      for (let i = 0; i < this.steps; i++) {
        const te = (at ?? this.time(i)) - sel.offsetMs;
        while (j < n && s.t[j]! <= te) j++;
        const k = j - 1;
        if (k >= 0 && s.t[k]! > te - this.lookbackMs - this.windowSlackMs && !s.stale[k]) {
          series.values[i] = timestamps ? s.t[k]! / 1000 : s.v[k]!;
          series.has[i] = 1;
          any = true;
        }
      }
      if (any) out.push(series);
    }
    return out;
  }

  private matrixSource(m: MatrixSelector): RangeSource {
    const loaded = this.data.get(m.vector) ?? [];
    const series: RangeSeries[] = [];
    for (const s of loaded) {
      let stale = 0;
      for (let i = 0; i < s.stale.length; i++) stale += s.stale[i]!;
      if (stale === 0) {
        series.push({ labels: s.labels, dropName: false, t: s.t, v: s.v });
        continue;
      }
      const n = s.t.length - stale;
      const t = new Float64Array(n);
      const v = new Float64Array(n);
      let k = 0;
      for (let i = 0; i < s.t.length; i++) {
        if (s.stale[i]) continue;
        t[k] = s.t[i]!;
        v[k] = s.v[i]!;
        k++;
      }
      series.push({ labels: s.labels, dropName: false, t, v });
    }
    return { series, rangeMs: m.rangeMs, offsetMs: m.vector.offsetMs, atMs: this.at(m.vector.at) };
  }

  private subquerySource(sq: SubqueryExpr): RangeSource {
    const atMs = this.at(sq.at);
    const step = sq.stepMs || this.subStepMs;
    const first = atMs ?? this.time(0);
    const last = atMs ?? this.time(this.steps - 1);
    const lowest = first - sq.offsetMs - sq.rangeMs;
    let start = step * Math.trunc(lowest / step);
    // Prometheus 3: the first aligned step after the (left-open) window start; Prometheus 2: at or after.
    if (start < lowest || (start === lowest && this.windowSlackMs === 0)) start += step;
    const end = last - sq.offsetMs;
    const steps = end >= start ? Math.floor((end - start) / step) + 1 : 0;
    const series: RangeSeries[] = [];
    if (steps > 0) {
      // Every inner step becomes a sample per series; bound it like Prometheus's max-samples.
      if (steps > 1_000_000) throw new PromQLEvalError(TOO_MANY_SAMPLES);
      const inner = new Evaluator(this.data, start, step, steps, this.queryStartMs, this.queryEndMs, this.lookbackMs, this.subStepMs, this.queryStepMs, this.windowSlackMs);
      for (const s of inner.evalVector(sq.expr)) {
        let n = 0;
        for (let i = 0; i < steps; i++) n += s.has[i]!;
        const t = new Float64Array(n);
        const v = new Float64Array(n);
        let k = 0;
        for (let i = 0; i < steps; i++) {
          if (!s.has[i]) continue;
          t[k] = start + i * step;
          v[k] = s.values[i]!;
          k++;
        }
        series.push({ labels: s.labels, dropName: s.dropName, t, v });
      }
    }
    return { series, rangeMs: sq.rangeMs, offsetMs: sq.offsetMs, atMs };
  }
}

/** Drops `__name__` where flagged and fails when two results end with the same label set at a step. */
function finalizeSeries(series: StepSeries[], steps: number): StepSeries[] {
  if (!series.some((s) => s.dropName)) return series;
  const builder = new SeriesBuilder(steps);
  for (const s of series) {
    const labels = s.dropName ? withoutName(s.labels) : s.labels;
    const key = labelsKey(labels);
    for (let i = 0; i < steps; i++) if (s.has[i]) builder.add(key, labels, false, i, s.values[i]!);
  }
  return builder.series;
}

interface PreparedQuery {
  expr: Expr;
  startMs: number;
  endMs: number;
  stepMs: number;
  instant: boolean;
  opts: EvalOptions;
}

async function run(queryable: SeriesQueryable, p: PreparedQuery): Promise<{ value: EvalValue; ev: Evaluator }> {
  const lookbackMs = p.opts.lookbackDeltaMs ?? DEFAULT_LOOKBACK_MS;
  const subStepMs = p.opts.subqueryStepMs ?? DEFAULT_SUBQUERY_STEP_MS;
  const slack = p.opts.compat === 'prometheus2' ? 1 : 0;
  const windows = new Map<VectorSelector, Window>();
  planSelects(p.expr, p.startMs, p.endMs, { startMs: p.startMs, endMs: p.endMs, lookbackMs: lookbackMs + slack, subStepMs, slackMs: slack }, windows);
  const data = await fetchAll(queryable, windows, p.opts.maxSamples ?? DEFAULT_MAX_SAMPLES);
  const steps = Math.floor((p.endMs - p.startMs) / p.stepMs) + 1;
  const ev = new Evaluator(data, p.startMs, p.stepMs, steps, p.startMs, p.endMs, lookbackMs, subStepMs, p.instant ? 0 : p.stepMs, slack);
  return { value: ev.eval(p.expr), ev };
}

/** Evaluates `expr` at one instant (Prometheus's /api/v1/query). */
export async function evaluateInstant(queryable: SeriesQueryable, expr: Expr, timeMs: number, opts: EvalOptions = {}): Promise<QueryResult> {
  if (!Number.isFinite(timeMs)) throw new PromQLEvalError('invalid evaluation time');
  timeMs = Math.round(timeMs);
  const { value, ev } = await run(queryable, { expr, startMs: timeMs, endMs: timeMs, stepMs: 1, instant: true, opts });
  switch (value.kind) {
    case 'scalar':
      return { resultType: 'scalar', result: [timeMs, value.values[0]!] };
    case 'string':
      return { resultType: 'string', result: [timeMs, value.value] };
    case 'vector': {
      const series = finalizeSeries(value.series, 1);
      return { resultType: 'vector', result: series.filter((s) => s.has[0]).map((s) => ({ metric: sortedLabels(s.labels), t: timeMs, v: s.values[0]! })) };
    }
    case 'matrix': {
      const src = value.source;
      const te = (src.atMs ?? timeMs) - src.offsetMs;
      const result: MatrixSeries[] = [];
      for (const s of src.series) {
        const points: [number, number][] = [];
        for (let i = 0; i < s.t.length; i++) {
          if (s.t[i]! > te - src.rangeMs - ev.windowSlackMs && s.t[i]! <= te) points.push([s.t[i]!, s.v[i]!]);
        }
        if (points.length) result.push({ metric: sortedLabels(s.dropName ? withoutName(s.labels) : s.labels), points });
      }
      result.sort((a, b) => compareLabels(a.metric, b.metric));
      return { resultType: 'matrix', result };
    }
  }
}

/** Evaluates `expr` at every step from start to end inclusive (Prometheus's /api/v1/query_range). */
export async function evaluateRange(
  queryable: SeriesQueryable,
  expr: Expr,
  startMs: number,
  endMs: number,
  stepMs: number,
  opts: EvalOptions = {},
): Promise<QueryResult> {
  if (!(stepMs > 0)) throw new PromQLEvalError('zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) throw new PromQLEvalError('invalid start or end time');
  startMs = Math.round(startMs);
  endMs = Math.round(endMs);
  stepMs = Math.round(stepMs);
  if (stepMs <= 0) throw new PromQLEvalError('zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (endMs < startMs) throw new PromQLEvalError('end timestamp must not be before start time');
  if ((endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES) {
    throw new PromQLEvalError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const t = typeOf(expr);
  if (t !== 'scalar' && t !== 'vector') {
    throw new PromQLEvalError(`invalid expression type "${t === 'matrix' ? 'range vector' : t}" for range query, must be Scalar or instant Vector`);
  }
  const { value, ev } = await run(queryable, { expr, startMs, endMs, stepMs, instant: false, opts });
  let series: StepSeries[];
  if (value.kind === 'scalar') series = [{ labels: {}, dropName: false, values: value.values, has: new Uint8Array(ev.steps).fill(1) }];
  else if (value.kind === 'vector') series = finalizeSeries(value.series, ev.steps);
  else throw new PromQLEvalError(`invalid expression type for range query`);
  const result: MatrixSeries[] = [];
  for (const s of series) {
    const points: [number, number][] = [];
    for (let i = 0; i < ev.steps; i++) if (s.has[i]) points.push([ev.time(i), s.values[i]!]);
    if (points.length) result.push({ metric: sortedLabels(s.labels), points });
  }
  result.sort((a, b) => compareLabels(a.metric, b.metric));
  return { resultType: 'matrix', result };
}
