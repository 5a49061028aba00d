// Aggregation operators (sum avg min max count group stddev stdvar quantile topk bottomk limitk
// limit_ratio count_values) with by/without, as Prometheus's engine aggregation(): groups are formed
// once per series, then each group is folded at every step. `without` always drops `__name__`; `by`
// keeps it only when listed (and it is dropped later if any member's name was to be dropped).
import type { Labels } from '../metrics/types';
import type { AggregateExpr } from './ast';
import type { Evaluator } from './engine';
import { METRIC_NAME, dropLabels, kahanSumInc, keepLabels, labelsKey } from './labels';
import { goQuote, isValidLabelName } from './parser';
import { quantileOf } from './range-functions';
import { PromQLEvalError, SeriesBuilder, newStepSeries, type EvalValue, type StepSeries } from './values';

interface Group {
  labels: Labels;
  dropName: boolean;
  members: StepSeries[];
}

function groupSeries(agg: AggregateExpr, series: StepSeries[]): Group[] {
  const groups = new Map<string, Group>();
  const without = agg.without ? [...agg.grouping, METRIC_NAME] : null;
  for (const s of series) {
    const labels = without ? dropLabels(s.labels, without) : keepLabels(s.labels, agg.grouping);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, dropName: false, members: [] }));
    if (s.dropName && METRIC_NAME in labels) g.dropName = true;
    g.members.push(s);
  }
  return [...groups.values()];
}

/** Prometheus's label hash stand-in for limit_ratio: a stable 53-bit FNV-1a of the label set, scaled to [0, 1). */
function ratioOffset(labels: Labels): number {
  const key = labelsKey(labels);
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) & 0x1fffff)) / 2 ** 53;
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits without an exponent. */
export function formatFloatPlain(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  if (!/e/i.test(s)) return s;
  const [mant, expText] = s.split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointAt = (mant.replace('-', '').indexOf('.') === -1 ? mant.replace('-', '').length : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return (neg ? '-' : '') + out;
}

/** Folds buf[0..n) with the aggregation operator. */
function fold(op: string, buf: Float64Array, n: number, q: number): number {
  const values = buf.subarray(0, n);
  switch (op) {
    case 'sum': {
      let sum = 0;
      let c = 0;
      for (let k = 0; k < n; k++) {
        // kahanSumInc, inlined (no tuple allocation per sample).
        const inc = values[k]!;
        const t = sum + inc;
        if (t === Infinity || t === -Infinity) c = 0;
        else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
        else c += inc - t + sum;
        sum = t;
      }
      return sum === Infinity || sum === -Infinity ? sum : sum + c;
    }
    case 'avg': {
      let sum = values[0]!;
      let c = 0;
      let mean = 0;
      let incremental = false;
      for (let k = 1; k < n; k++) {
        const x = values[k]!;
        const count = k + 1;
        if (!incremental) {
          const [ns, nc] = kahanSumInc(x, sum, c);
          if (Number.isFinite(ns) || Number.isNaN(ns)) {
            sum = ns;
            c = nc;
            continue;
          }
          incremental = true;
          mean = sum / (count - 1);
          c /= count - 1;
        }
        if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
          if (!Number.isFinite(x) && !Number.isNaN(x) && mean > 0 === x > 0) continue;
          if (Number.isFinite(x)) continue;
        }
        const current = mean + c;
        [mean, c] = kahanSumInc(x / count - current / count, mean, c);
      }
      return incremental ? mean + c : (sum + c) / n;
    }
    case 'min': {
      let m = values[0]!;
      for (const x of values) if (m > x || Number.isNaN(m)) m = x;
      return m;
    }
    case 'max': {
      let m = values[0]!;
      for (const x of values) if (m < x || Number.isNaN(m)) m = x;
      return m;
    }
    case 'count':
      return n;
    case 'group':
      return 1;
    case 'stddev':
    case 'stdvar': {
      let count = 0;
      let mean = 0;
      let acc = 0;
      for (const x of values) {
        count++;
        const delta = x - mean;
        mean += delta / count;
        acc += delta * (x - mean);
      }
      const variance = acc / count;
      return op === 'stddev' ? Math.sqrt(variance) : variance;
    }
    case 'quantile':
      return quantileOf(q, Array.from(values));
    default:
      throw new PromQLEvalError(`unsupported: aggregation ${op}`);
  }
}

export function evalAggregate(ev: Evaluator, agg: AggregateExpr): EvalValue {
  let param: Float64Array | null = null;
  let label = '';
  if (agg.param) {
    const p = ev.eval(agg.param);
    if (p.kind === 'scalar') param = p.values;
    else if (p.kind === 'string') label = p.value;
  }
  const series = ev.evalVector(agg.expr);
  const steps = ev.steps;

  if (agg.op === 'count_values') {
    if (!isValidLabelName(label)) throw new PromQLEvalError(`invalid label name ${goQuote(label)}`);
    const builder = new SeriesBuilder(steps);
    for (const g of groupSeries(agg, series)) {
      for (let i = 0; i < steps; i++) {
        const counts = new Map<string, number>();
        for (const m of g.members) {
          if (!m.has[i]) continue;
          const v = formatFloatPlain(m.values[i]!);
          counts.set(v, (counts.get(v) ?? 0) + 1);
        }
        for (const [v, n] of counts) {
          const labels = { ...g.labels, [label]: v };
          builder.add(labelsKey(labels), labels, g.dropName, i, n);
        }
      }
    }
    return { kind: 'vector', series: builder.series };
  }

  if (agg.op === 'topk' || agg.op === 'bottomk' || agg.op === 'limitk' || agg.op === 'limit_ratio') {
    const outputs = new Map<StepSeries, StepSeries>();
    const order: StepSeries[] = [];
    const emit = (m: StepSeries, i: number) => {
      let o = outputs.get(m);
      if (!o) {
        o = newStepSeries(m.labels, m.dropName, steps);
        outputs.set(m, o);
        order.push(o);
      }
      o.values[i] = m.values[i]!;
      o.has[i] = 1;
    };
    const groups = groupSeries(agg, series);
    for (let i = 0; i < steps; i++) {
      const p = param![i]!;
      if (agg.op === 'limit_ratio') {
        if (Number.isNaN(p)) throw new PromQLEvalError('Ratio value is NaN');
      } else if (Number.isNaN(p)) throw new PromQLEvalError('Parameter value is NaN');
    }
    if (series.length === 0) return { kind: 'vector', series: [] };
    for (const g of groups) {
      for (let i = 0; i < steps; i++) {
        const p = param![i]!;
        const present = g.members.filter((m) => m.has[i]);
        if (agg.op === 'limit_ratio') {
          const ratio = Math.max(-1, Math.min(1, p));
          for (const m of present) {
            const off = ratioOffset(m.labels);
            if ((ratio >= 0 && off < ratio) || (ratio < 0 && off >= 1 + ratio)) emit(m, i);
          }
          continue;
        }
        if (p > 2 ** 63 - 1) throw new PromQLEvalError(`Scalar value ${p} overflows int64`);
        const k = Math.trunc(p);
        if (k < 1) continue;
        if (agg.op === 'limitk') {
          for (const m of present.slice(0, k)) emit(m, i);
          continue;
        }
        const top = agg.op === 'topk';
        const sorted = present.slice().sort((a, b) => {
          const x = a.values[i]!;
          const y = b.values[i]!;
          if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
          if (Number.isNaN(y)) return -1;
          return top ? y - x : x - y;
        });
        for (const m of sorted.slice(0, k)) emit(m, i);
      }
    }
    return { kind: 'vector', series: order };
  }

  const out: StepSeries[] = [];
  for (const g of groupSeries(agg, series)) {
    const res = newStepSeries(g.labels, g.dropName, steps);
    let any = false;
    const members = g.members;
    const buf = new Float64Array(members.length);
    for (let i = 0; i < steps; i++) {
      let n = 0;
      for (let k = 0; k < members.length; k++) {
        const m = members[k]!;
        if (m.has[i]) buf[n++] = m.values[i]!;
      }
      if (n === 0) continue;
      res.values[i] = fold(agg.op, buf, n, param ? param[i]! : NaN);
      res.has[i] = 1;
      any = true;
    }
    if (any) out.push(res);
  }
  return { kind: 'vector', series: out };
}
