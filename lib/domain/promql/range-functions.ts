// Functions over range vectors (rate, increase, *_over_time, …), computed per series per step over
// the left-open window (t - offset - range, t - offset]. Formulas follow Prometheus's
// promql/functions.go, including extrapolatedRate and the Kahan-compensated sums.
import { kahanSumInc } from './labels';
import { PromQLEvalError, newStepSeries, type RangeSource, type StepSeries } from './values';

/** f(ts, vs, lo, hi, stepIndex, windowEnd) → value or undefined (no output at this step). */
type WindowFn = (t: Float64Array, v: Float64Array, lo: number, hi: number, step: number, te: number) => number | undefined;

export interface StepClock {
  steps: number;
  time(i: number): number;
  /** 1 makes windows closed ([t-range, t], Prometheus 2), 0 left-open ((t-range, t], Prometheus 3). */
  windowSlackMs: number;
}

/** Applies fn to each series' window at every step. Names are dropped unless keepName. */
export function mapWindows(clock: StepClock, src: RangeSource, keepName: boolean, fn: WindowFn): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of src.series) {
    const res = newStepSeries(s.labels, keepName ? s.dropName : true, clock.steps);
    let lo = 0;
    let hi = 0;
    let any = false;
    let prevTe = -Infinity;
    const n = s.t.length;
    for (let i = 0; i < clock.steps; i++) {
      const te = (src.atMs ?? clock.time(i)) - src.offsetMs;
      const ts = te - src.rangeMs - clock.windowSlackMs;
      while (hi < n && s.t[hi]! <= te) hi++;
      while (lo < hi && s.t[lo]! <= ts) lo++;
      if (te < prevTe) {
        lo = 0;
        hi = 0;
        while (hi < n && s.t[hi]! <= te) hi++;
        while (lo < hi && s.t[lo]! <= ts) lo++;
      }
      prevTe = te;
      const r = fn(s.t, s.v, lo, hi, i, te);
      if (r !== undefined) {
        res.values[i] = r;
        res.has[i] = 1;
        any = true;
      }
    }
    if (any) out.push(res);
  }
  return out;
}

/** Counter resets inside [lo, hi): answered from a per-array index of reset positions. */
const resetIndex = new WeakMap<Float64Array, Int32Array>();
// Windows of one series are computed back to back: a one-entry cache spares the WeakMap lookup.
let lastValues: Float64Array | null = null;
let lastIndex: Int32Array | null = null;
function hasReset(v: Float64Array, lo: number, hi: number): boolean {
  if (v === lastValues) return lastIndex![hi - 1]! - lastIndex![lo]! > 0;
  let idx = resetIndex.get(v);
  if (!idx) {
    // idx[k] = number of resets (v[j] < v[j-1]) for j <= k.
    idx = new Int32Array(v.length);
    let n = 0;
    for (let k = 1; k < v.length; k++) {
      if (v[k]! < v[k - 1]!) n++;
      idx[k] = n;
    }
    resetIndex.set(v, idx);
  }
  lastValues = v;
  lastIndex = idx;
  return idx[hi - 1]! - idx[lo]! > 0;
}

export function extrapolatedRate(src: RangeSource, isCounter: boolean, isRate: boolean, legacy = false): WindowFn {
  return (t, v, lo, hi, _i, te) => {
    const n = hi - lo;
    if (n < 2) return undefined;
    const rangeStart = te - src.rangeMs;
    const rangeEnd = te;
    let result = v[hi - 1]! - v[lo]!;
    if (isCounter && (v[lo]! < 0 || hasReset(v, lo, hi))) {
      let last = 0;
      for (let k = lo; k < hi; k++) {
        if (v[k]! < last) result += last;
        last = v[k]!;
      }
    }
    const firstT = t[lo]!;
    const lastT = t[hi - 1]!;
    let durationToStart = (firstT - rangeStart) / 1000;
    let durationToEnd = (rangeEnd - lastT) / 1000;
    const sampledInterval = (lastT - firstT) / 1000;
    const avgBetween = sampledInterval / (n - 1);
    const threshold = avgBetween * 1.1;
    if (legacy) {
      // Prometheus 2.x: the counter's zero point is considered before the extrapolation threshold.
      if (isCounter && result > 0 && v[lo]! >= 0) {
        const durationToZero = sampledInterval * (v[lo]! / result);
        if (durationToZero < durationToStart) durationToStart = durationToZero;
      }
      if (durationToStart >= threshold) durationToStart = avgBetween / 2;
    } else {
      if (durationToStart >= threshold) durationToStart = avgBetween / 2;
      if (isCounter) {
        let durationToZero = durationToStart;
        if (result > 0 && v[lo]! >= 0) durationToZero = sampledInterval * (v[lo]! / result);
        if (durationToZero < durationToStart) durationToStart = durationToZero;
      }
    }
    if (durationToEnd >= threshold) durationToEnd = avgBetween / 2;
    let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
    if (isRate) factor /= src.rangeMs / 1000;
    return result * factor;
  };
}

export function instantValue(isRate: boolean): WindowFn {
  return (t, v, lo, hi) => {
    if (hi - lo < 2) return undefined;
    const last = v[hi - 1]!;
    const prev = v[hi - 2]!;
    let result = isRate && last < prev ? last : last - prev;
    const interval = t[hi - 1]! - t[hi - 2]!;
    if (interval === 0) return undefined;
    if (isRate) result /= interval / 1000;
    return result;
  };
}

export function linearRegression(t: Float64Array, v: Float64Array, lo: number, hi: number, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0,
    cX = 0,
    sumY = 0,
    cY = 0,
    sumXY = 0,
    cXY = 0,
    sumX2 = 0,
    cX2 = 0;
  const initY = v[lo]!;
  let constY = true;
  for (let k = lo; k < hi; k++) {
    const y = v[k]!;
    if (constY && k > lo && y !== initY) constY = false;
    n += 1;
    const x = (t[k]! - interceptTime) / 1000;
    [sumX, cX] = kahanSumInc(x, sumX, cX);
    [sumY, cY] = kahanSumInc(y, sumY, cY);
    [sumXY, cXY] = kahanSumInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanSumInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** Prometheus's quantile over unsorted values (NaN first when sorting). */
export function quantileOf(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort((a, b) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : -1) : Number.isNaN(b) ? 1 : a - b));
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

function sumWindow(v: Float64Array, lo: number, hi: number): number {
  let sum = 0;
  let c = 0;
  for (let k = lo; k < hi; k++) {
    // kahanSumInc, inlined (no tuple allocation per sample).
    const inc = v[k]!;
    const t = sum + inc;
    if (t === Infinity || t === -Infinity) c = 0;
    else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
    else c += inc - t + sum;
    sum = t;
  }
  if (!Number.isFinite(sum) && !Number.isNaN(sum)) return sum;
  return sum + c;
}

function avgWindow(v: Float64Array, lo: number, hi: number): number {
  const n = hi - lo;
  if (n === 1) return v[lo]!;
  let sum = v[lo]!;
  let c = 0;
  let mean = 0;
  let incremental = false;
  for (let k = lo + 1; k < hi; k++) {
    const x = v[k]!;
    const count = k - lo + 1;
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
  if (incremental) return mean + c;
  return (sum + c) / n;
}

function varianceWindow(v: Float64Array, lo: number, hi: number): number {
  let count = 0;
  let mean = 0,
    cMean = 0,
    aux = 0,
    cAux = 0;
  for (let k = lo; k < hi; k++) {
    const x = v[k]!;
    count++;
    const delta = x - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (x - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

/** The window function for a range-vector function name, with its scalar args per step. */
export function rangeFunction(
  name: string,
  src: RangeSource,
  scalars: Float64Array[],
  evalTime: (i: number) => number = () => 0,
  legacy = false,
): { fn: WindowFn; keepName: boolean } | null {
  const nonEmpty = (f: (t: Float64Array, v: Float64Array, lo: number, hi: number, i: number, te: number) => number): WindowFn => (t, v, lo, hi, i, te) =>
    hi > lo ? f(t, v, lo, hi, i, te) : undefined;
  switch (name) {
    case 'rate':
      return { fn: extrapolatedRate(src, true, true, legacy), keepName: false };
    case 'increase':
      return { fn: extrapolatedRate(src, true, false, legacy), keepName: false };
    case 'delta':
      return { fn: extrapolatedRate(src, false, false, legacy), keepName: false };
    case 'irate':
      return { fn: instantValue(true), keepName: false };
    case 'idelta':
      return { fn: instantValue(false), keepName: false };
    case 'deriv':
      return {
        fn: (t, v, lo, hi) => (hi - lo < 2 ? undefined : linearRegression(t, v, lo, hi, t[lo]!)[0]),
        keepName: false,
      };
    case 'predict_linear':
      return {
        fn: (t, v, lo, hi, i) => {
          if (hi - lo < 2) return undefined;
          // The intercept is at the evaluation time, even under @ or offset (Prometheus uses enh.Ts).
          const [slope, intercept] = linearRegression(t, v, lo, hi, evalTime(i));
          return slope * scalars[0]![i]! + intercept;
        },
        keepName: false,
      };
    case 'resets':
      return {
        fn: nonEmpty((_t, v, lo, hi) => {
          let r = 0;
          for (let k = lo + 1; k < hi; k++) if (v[k]! < v[k - 1]!) r++;
          return r;
        }),
        keepName: false,
      };
    case 'changes':
      return {
        fn: nonEmpty((_t, v, lo, hi) => {
          let r = 0;
          for (let k = lo + 1; k < hi; k++) {
            const a = v[k]!;
            const b = v[k - 1]!;
            if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) r++;
          }
          return r;
        }),
        keepName: false,
      };
    case 'sum_over_time':
      return { fn: nonEmpty((_t, v, lo, hi) => sumWindow(v, lo, hi)), keepName: false };
    case 'avg_over_time':
      return { fn: nonEmpty((_t, v, lo, hi) => avgWindow(v, lo, hi)), keepName: false };
    case 'count_over_time':
      return { fn: nonEmpty((_t, _v, lo, hi) => hi - lo), keepName: false };
    case 'present_over_time':
      return { fn: nonEmpty(() => 1), keepName: false };
    case 'max_over_time':
      return {
        fn: nonEmpty((_t, v, lo, hi) => {
          let m = v[lo]!;
          for (let k = lo + 1; k < hi; k++) if (v[k]! > m || Number.isNaN(m)) m = v[k]!;
          return m;
        }),
        keepName: false,
      };
    case 'min_over_time':
      return {
        fn: nonEmpty((_t, v, lo, hi) => {
          let m = v[lo]!;
          for (let k = lo + 1; k < hi; k++) if (v[k]! < m || Number.isNaN(m)) m = v[k]!;
          return m;
        }),
        keepName: false,
      };
    case 'ts_of_max_over_time':
    case 'ts_of_min_over_time':
      return {
        fn: nonEmpty((t, v, lo, hi) => {
          const max = name === 'ts_of_max_over_time';
          let m = v[lo]!;
          let ts = t[lo]!;
          for (let k = lo + 1; k < hi; k++) {
            const x = v[k]!;
            if ((max ? x >= m : x <= m) || Number.isNaN(m)) {
              m = x;
              ts = t[k]!;
            }
          }
          return ts / 1000;
        }),
        keepName: false,
      };
    case 'last_over_time':
      return { fn: nonEmpty((_t, v, _lo, hi) => v[hi - 1]!), keepName: true };
    case 'first_over_time':
      return { fn: nonEmpty((_t, v, lo) => v[lo]!), keepName: true };
    case 'ts_of_last_over_time':
      return { fn: nonEmpty((t, _v, _lo, hi) => t[hi - 1]! / 1000), keepName: false };
    case 'ts_of_first_over_time':
      return { fn: nonEmpty((t, _v, lo) => t[lo]! / 1000), keepName: false };
    case 'stdvar_over_time':
      return { fn: nonEmpty((_t, v, lo, hi) => varianceWindow(v, lo, hi)), keepName: false };
    case 'stddev_over_time':
      return { fn: nonEmpty((_t, v, lo, hi) => Math.sqrt(varianceWindow(v, lo, hi))), keepName: false };
    case 'quantile_over_time':
      return { fn: nonEmpty((_t, v, lo, hi, i) => quantileOf(scalars[0]![i]!, Array.from(v.subarray(lo, hi)))), keepName: false };
    case 'mad_over_time':
      return {
        fn: nonEmpty((_t, v, lo, hi) => {
          const values = Array.from(v.subarray(lo, hi));
          if (values.some((x) => Number.isNaN(x))) return NaN;
          const median = quantileOf(0.5, values.slice());
          return quantileOf(
            0.5,
            values.map((x) => Math.abs(x - median)),
          );
        }),
        keepName: false,
      };
    case 'double_exponential_smoothing':
      return {
        fn: (_t, v, lo, hi, i) => {
          const sf = scalars[0]![i]!;
          const tf = scalars[1]![i]!;
          if (!(sf > 0 && sf < 1)) throw new PromQLEvalError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf}`);
          if (!(tf > 0 && tf < 1)) throw new PromQLEvalError(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf}`);
          const l = hi - lo;
          if (l < 2) return undefined;
          let s0 = 0;
          let s1 = v[lo]!;
          let b = v[lo + 1]! - v[lo]!;
          for (let k = 1; k < l; k++) {
            const x = sf * v[lo + k]!;
            if (k - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
            const y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
          }
          return s1;
        },
        keepName: false,
      };
    default:
      return null;
  }
}
