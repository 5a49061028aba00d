// Function calls: range-vector functions (range-functions.ts), per-sample math, label manipulation,
// absent, date functions, sorting and classic-bucket histogram_quantile / histogram_fraction,
// following Prometheus's promql/functions.go.
import type { LabelMatcher, Labels } from '../metrics/types';
import type { Call, Expr } from './ast';
import type { Evaluator } from './engine';
import { bucketFraction, bucketQuantile, type Bucket } from './histogram';
import { formatFloatPlain } from './aggregate';
import { METRIC_NAME, compareLabels, labelsKey } from './labels';
import { goQuote, isValidLabelName } from './parser';
import { mapWindows, rangeFunction } from './range-functions';
import { RegexError, anchoredRegex } from './regex';
import { PromQLEvalError, SeriesBuilder, newStepSeries, type EvalValue, type StepSeries } from './values';

const MATH: Record<string, (x: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  acos: Math.acos,
  acosh: Math.acosh,
  asin: Math.asin,
  asinh: Math.asinh,
  atan: Math.atan,
  atanh: Math.atanh,
  cos: Math.cos,
  cosh: Math.cosh,
  sin: Math.sin,
  sinh: Math.sinh,
  tan: Math.tan,
  tanh: Math.tanh,
  deg: (x) => (x * 180) / Math.PI,
  rad: (x) => (x * Math.PI) / 180,
};

const DATE: Record<string, (d: Date) => number> = {
  minute: (d) => d.getUTCMinutes(),
  hour: (d) => d.getUTCHours(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_month: (d) => d.getUTCDate(),
  day_of_year: (d) => {
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.floor((d.getTime() - start) / 86_400_000) + 1;
  },
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

function unwrap(e: Expr): Expr {
  while (e.type === 'Paren') e = e.expr;
  return e;
}

function mapValues(series: StepSeries[], f: (x: number, i: number) => number, dropName = true): StepSeries[] {
  return series.map((s) => {
    const values = new Float64Array(s.values.length);
    for (let i = 0; i < values.length; i++) if (s.has[i]) values[i] = f(s.values[i]!, i);
    return { labels: s.labels, dropName: dropName || s.dropName, values, has: s.has };
  });
}

function stringArg(ev: Evaluator, e: Expr): string {
  const v = ev.eval(e);
  if (v.kind !== 'string') throw new PromQLEvalError('expected string argument');
  return v.value;
}

/** Labels for absent()/absent_over_time(): the selector's equality matchers, ambiguous names left out. */
function absentLabels(e: Expr): Labels {
  const u = unwrap(e);
  let matchers: LabelMatcher[] | null = null;
  if (u.type === 'VectorSelector') matchers = u.matchers;
  else if (u.type === 'MatrixSelector') matchers = u.vector.matchers;
  if (!matchers) return {};
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const m of matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !seen.has(m.name)) out[m.name] = m.value;
    else delete out[m.name];
    seen.add(m.name);
  }
  return out;
}

/** Go regexp.Expand-style template expansion ($1, ${1}, $name, ${name}, $$). */
function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i === template.length - 1) {
      out += c;
      continue;
    }
    const next = template[i + 1]!;
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        continue;
      }
      name = template.slice(i + 2, close);
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        out += c;
        continue;
      }
      i = close;
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!mm) {
        out += c;
        continue;
      }
      name = mm[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...labels };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** Re-keys series after a label change, failing when two series share a label set at a step. */
function rebuild(ev: Evaluator, series: { labels: Labels; dropName: boolean; s: StepSeries }[]): StepSeries[] {
  const b = new SeriesBuilder(ev.steps);
  for (const { labels, dropName, s } of series) {
    const key = labelsKey(labels);
    for (let i = 0; i < ev.steps; i++) if (s.has[i]) b.add(key, labels, dropName, i, s.values[i]!);
  }
  return b.series;
}

function naturalCompare(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function sortByValue(series: StepSeries[], desc: boolean): StepSeries[] {
  // Instant queries only: order by the (single) step's value, NaN last.
  return series.slice().sort((a, b) => {
    const x = a.values[0]!;
    const y = b.values[0]!;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return desc ? y - x : x - y;
  });
}

function histogramBuckets(ev: Evaluator, series: StepSeries[], perStep: (buckets: Bucket[], i: number) => number | undefined): StepSeries[] {
  const groups = new Map<string, { labels: Labels; members: { le: number; s: StepSeries }[] }>();
  for (const s of series) {
    const leText = s.labels['le'];
    if (leText === undefined) continue;
    const le = parseLe(leText);
    if (Number.isNaN(le)) continue;
    const rest: Record<string, string> = {};
    for (const n in s.labels) if (n !== 'le') rest[n] = s.labels[n]!;
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: rest, members: [] }));
    g.members.push({ le, s });
  }
  const out: StepSeries[] = [];
  for (const g of groups.values()) {
    const res = newStepSeries(g.labels, true, ev.steps);
    let any = false;
    for (let i = 0; i < ev.steps; i++) {
      const buckets: Bucket[] = [];
      for (const m of g.members) if (m.s.has[i]) buckets.push({ upperBound: m.le, count: m.s.values[i]! });
      if (buckets.length === 0) continue;
      const r = perStep(buckets, i);
      if (r === undefined) continue;
      res.values[i] = r;
      res.has[i] = 1;
      any = true;
    }
    if (any) out.push(res);
  }
  return out;
}

function parseLe(s: string): number {
  const t = s.trim();
  if (/^[+]?inf$/i.test(t)) return Infinity;
  if (/^-inf$/i.test(t)) return -Infinity;
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return NaN;
  return Number(t);
}

export function evalCall(ev: Evaluator, call: Call): EvalValue {
  const { func, args } = call;
  const vec = (series: StepSeries[]): EvalValue => ({ kind: 'vector', series });

  const range = rangeFunction(func, { series: [], rangeMs: 0, offsetMs: 0, atMs: null }, []);
  if (range) {
    const matrixArg = func === 'quantile_over_time' ? args[1]! : args[0]!;
    const src = ev.evalMatrix(matrixArg);
    const scalars = args.filter((a) => a !== matrixArg).map((a) => ev.evalScalar(a));
    const { fn, keepName } = rangeFunction(func, src, scalars, (i) => ev.time(i), ev.windowSlackMs === 1)!;
    return vec(mapWindows(ev, src, keepName, fn));
  }

  const math = MATH[func];
  if (math) return vec(mapValues(ev.evalVector(args[0]!), math));

  switch (func) {
    case 'pi':
      return ev.scalar(() => Math.PI);
    case 'time':
      return ev.scalar((i) => ev.time(i) / 1000);
    case 'start':
      return ev.scalar(() => ev.queryStartMs / 1000);
    case 'end':
      return ev.scalar(() => ev.queryEndMs / 1000);
    case 'range':
      return ev.scalar(() => (ev.queryEndMs - ev.queryStartMs) / 1000);
    case 'step':
      return ev.scalar(() => ev.queryStepMs / 1000);
    case 'vector': {
      const values = ev.evalScalar(args[0]!);
      return vec([{ labels: {}, dropName: false, values, has: new Uint8Array(ev.steps).fill(1) }]);
    }
    case 'scalar': {
      const series = ev.evalVector(args[0]!);
      return ev.scalar((i) => {
        let found: number | undefined;
        let count = 0;
        for (const s of series) {
          if (s.has[i]) {
            count++;
            found = s.values[i];
          }
        }
        return count === 1 ? found! : NaN;
      });
    }
    case 'round': {
      const series = ev.evalVector(args[0]!);
      const to = args[1] ? ev.evalScalar(args[1]) : null;
      return vec(
        mapValues(series, (x, i) => {
          const inv = 1 / (to ? to[i]! : 1);
          return Math.floor(x * inv + 0.5) / inv;
        }),
      );
    }
    case 'clamp': {
      const series = ev.evalVector(args[0]!);
      const min = ev.evalScalar(args[1]!);
      const max = ev.evalScalar(args[2]!);
      const out = mapValues(series, (x, i) => Math.max(min[i]!, Math.min(max[i]!, x)));
      // clamp with max < min yields nothing at that step.
      for (const s of out) {
        const has = new Uint8Array(s.has);
        for (let i = 0; i < ev.steps; i++) if (max[i]! < min[i]!) has[i] = 0;
        s.has = has;
      }
      return vec(out.filter((s) => s.has.some((h) => h)));
    }
    case 'clamp_min': {
      const min = ev.evalScalar(args[1]!);
      return vec(mapValues(ev.evalVector(args[0]!), (x, i) => Math.max(min[i]!, x)));
    }
    case 'clamp_max': {
      const max = ev.evalScalar(args[1]!);
      return vec(mapValues(ev.evalVector(args[0]!), (x, i) => Math.min(max[i]!, x)));
    }
    case 'timestamp': {
      const inner = unwrap(args[0]!);
      if (inner.type === 'VectorSelector') {
        return vec(ev.selectVector(inner, true).map((s) => ({ ...s, dropName: true })));
      }
      return vec(mapValues(ev.evalVector(args[0]!), (_x, i) => ev.time(i) / 1000));
    }
    case 'absent': {
      const series = ev.evalVector(args[0]!);
      const res = newStepSeries(absentLabels(args[0]!), false, ev.steps);
      for (let i = 0; i < ev.steps; i++) {
        if (!series.some((s) => s.has[i])) {
          res.values[i] = 1;
          res.has[i] = 1;
        }
      }
      return vec(res.has.some((h) => h) ? [res] : []);
    }
    case 'absent_over_time': {
      const src = ev.evalMatrix(args[0]!);
      const present = mapWindows(ev, src, false, (_t, _v, lo, hi) => (hi > lo ? 1 : undefined));
      const res = newStepSeries(absentLabels(args[0]!), false, ev.steps);
      for (let i = 0; i < ev.steps; i++) {
        if (!present.some((s) => s.has[i])) {
          res.values[i] = 1;
          res.has[i] = 1;
        }
      }
      return vec(res.has.some((h) => h) ? [res] : []);
    }
    case 'minute':
    case 'hour':
    case 'day_of_week':
    case 'day_of_month':
    case 'day_of_year':
    case 'days_in_month':
    case 'month':
    case 'year': {
      const f = DATE[func]!;
      const date = (secs: number) => (Number.isFinite(secs) ? f(new Date(secs * 1000)) : NaN);
      if (args.length === 0) {
        return vec([{ labels: {}, dropName: false, values: Float64Array.from({ length: ev.steps }, (_, i) => date(ev.time(i) / 1000)), has: new Uint8Array(ev.steps).fill(1) }]);
      }
      return vec(mapValues(ev.evalVector(args[0]!), (x) => date(x)));
    }
    case 'sort':
    case 'sort_desc':
      return vec(sortByValue(ev.evalVector(args[0]!), func === 'sort_desc'));
    case 'sort_by_label':
    case 'sort_by_label_desc': {
      const series = ev.evalVector(args[0]!);
      const names = args.slice(1).map((a) => stringArg(ev, a));
      const sign = func === 'sort_by_label_desc' ? -1 : 1;
      return vec(
        series.slice().sort((a, b) => {
          for (const n of names) {
            const c = naturalCompare(a.labels[n] ?? '', b.labels[n] ?? '');
            if (c !== 0) return sign * c;
          }
          return sign * compareLabels(a.labels, b.labels);
        }),
      );
    }
    case 'label_replace': {
      const series = ev.evalVector(args[0]!);
      const [dst, replacement, src, regex] = args.slice(1).map((a) => stringArg(ev, a)) as [string, string, string, string];
      let re: RegExp;
      try {
        re = anchoredRegex(regex);
      } catch (err) {
        if (err instanceof RegexError) throw new PromQLEvalError(`invalid regular expression in label_replace(): ${regex}`);
        throw err;
      }
      if (!isValidLabelName(dst)) throw new PromQLEvalError(`invalid destination label name in label_replace(): ${goQuote(dst).slice(1, -1)}`);
      return vec(
        rebuild(
          ev,
          series.map((s) => {
            const m = re.exec(s.labels[src] ?? '');
            if (!m) return { labels: s.labels, dropName: s.dropName, s };
            const value = expandTemplate(replacement, m);
            return { labels: withLabel(s.labels, dst, value), dropName: dst === METRIC_NAME ? false : s.dropName, s };
          }),
        ),
      );
    }
    case 'label_join': {
      const series = ev.evalVector(args[0]!);
      const [dst, sep, ...srcs] = args.slice(1).map((a) => stringArg(ev, a)) as [string, string, ...string[]];
      if (!isValidLabelName(dst)) throw new PromQLEvalError(`invalid destination label name in label_join(): ${dst}`);
      for (const s of srcs) if (!isValidLabelName(s)) throw new PromQLEvalError(`invalid source label name in label_join(): ${s}`);
      return vec(
        rebuild(
          ev,
          series.map((s) => {
            const value = srcs.map((n) => s.labels[n] ?? '').join(sep);
            return { labels: withLabel(s.labels, dst, value), dropName: dst === METRIC_NAME ? false : s.dropName, s };
          }),
        ),
      );
    }
    case 'histogram_quantile': {
      const q = ev.evalScalar(args[0]!);
      const series = ev.evalVector(args[1]!);
      return vec(histogramBuckets(ev, series, (buckets, i) => bucketQuantile(q[i]!, buckets)));
    }
    case 'histogram_quantiles': {
      const series = ev.evalVector(args[0]!);
      const label = stringArg(ev, args[1]!);
      if (!isValidLabelName(label)) throw new PromQLEvalError(`invalid label name ${goQuote(label)}`);
      const qs = args.slice(2).map((a) => ev.evalScalar(a));
      const b = new SeriesBuilder(ev.steps);
      for (const q of qs) {
        for (const s of histogramBuckets(ev, series, (buckets, i) => bucketQuantile(q[i]!, buckets.map((x) => ({ ...x }))))) {
          for (let i = 0; i < ev.steps; i++) {
            if (!s.has[i]) continue;
            const plain = formatFloatPlain(q[i]!);
            const labels = { ...s.labels, [label]: /^-?\d+$/.test(plain) ? `${plain}.0` : plain };
            b.add(labelsKey(labels), labels, true, i, s.values[i]!);
          }
        }
      }
      return vec(b.series);
    }
    case 'histogram_fraction': {
      const lower = ev.evalScalar(args[0]!);
      const upper = ev.evalScalar(args[1]!);
      const series = ev.evalVector(args[2]!);
      return vec(histogramBuckets(ev, series, (buckets, i) => bucketFraction(lower[i]!, upper[i]!, buckets)));
    }
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      // Native histograms only: float samples yield nothing.
      ev.evalVector(args[0]!);
      return vec([]);
    default:
      throw new PromQLEvalError(`unsupported: function ${JSON.stringify(func)}`);
  }
}
