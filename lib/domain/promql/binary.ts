// Binary operators: arithmetic, comparison (filtering or `bool`) and set operators, between scalars
// and instant vectors, with vector matching (on/ignoring, group_left/group_right) and Prometheus's
// errors for ambiguous matches (promql/engine.go VectorBinop, VectorAnd/Or/Unless).
import type { Labels } from '../metrics/types';
import { COMPARISON_OPS, SET_OPS, type BinaryExpr, type BinaryOp, type VectorMatching } from './ast';
import type { Evaluator } from './engine';
import { METRIC_NAME, dropLabels, formatLabels, keepLabels, labelsKey } from './labels';
import { PromQLEvalError, SeriesBuilder, type EvalValue, type StepSeries } from './values';

/** Go's math.Pow differs from JS at 1^NaN, NaN^0 is the same, (-1)^±Inf. */
function pow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return Math.pow(x, y);
}

/** [value, keep] for one pair of operands (Prometheus's vectorElemBinop / scalarBinop). */
export function applyOp(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+':
      return [l + r, true];
    case '-':
      return [l - r, true];
    case '*':
      return [l * r, true];
    case '/':
      return [l / r, true];
    case '%':
      return [l % r, true];
    case '^':
      return [pow(l, r), true];
    case 'atan2':
      return [Math.atan2(l, r), true];
    case '==':
      return [l, l === r];
    case '!=':
      return [l, l !== r];
    case '>':
      return [l, l > r];
    case '<':
      return [l, l < r];
    case '>=':
      return [l, l >= r];
    case '<=':
      return [l, l <= r];
    default:
      throw new PromQLEvalError(`operator "${op}" not allowed for scalar operations`);
  }
}

function signature(m: VectorMatching): (labels: Labels) => string {
  if (m.on) return (labels) => m.labels.map((n) => labels[n] ?? '').join('\xff');
  const drop = [...m.labels, METRIC_NAME];
  return (labels) => labelsKey(dropLabels(labels, drop));
}

function matchedLabels(m: VectorMatching, labels: Labels): Labels {
  return m.on ? keepLabels(labels, m.labels) : dropLabels(labels, [...m.labels, METRIC_NAME]);
}

function filterSteps(s: StepSeries, keep: (i: number) => boolean, steps: number): StepSeries | null {
  const has = new Uint8Array(steps);
  let any = false;
  for (let i = 0; i < steps; i++) {
    if (s.has[i] && keep(i)) {
      has[i] = 1;
      any = true;
    }
  }
  return any ? { labels: s.labels, dropName: s.dropName, values: s.values, has } : null;
}

function setOperation(ev: Evaluator, op: string, m: VectorMatching, lhs: StepSeries[], rhs: StepSeries[]): StepSeries[] {
  const sig = signature(m);
  const steps = ev.steps;
  const presence = (series: StepSeries[]) => {
    // sig → per-step presence
    const map = new Map<string, Uint8Array>();
    for (const s of series) {
      const k = sig(s.labels);
      let p = map.get(k);
      if (!p) map.set(k, (p = new Uint8Array(steps)));
      for (let i = 0; i < steps; i++) if (s.has[i]) p[i] = 1;
    }
    return map;
  };
  const out: StepSeries[] = [];
  if (op === 'and' || op === 'unless') {
    const right = presence(rhs);
    for (const s of lhs) {
      const p = right.get(sig(s.labels));
      const f = filterSteps(s, (i) => (p ? p[i] === 1 : false) === (op === 'and'), steps);
      if (f) out.push(f);
    }
    return out;
  }
  // or
  const left = presence(lhs);
  out.push(...lhs);
  for (const s of rhs) {
    const p = left.get(sig(s.labels));
    const f = p ? filterSteps(s, (i) => p[i] !== 1, steps) : s;
    if (f) out.push(f);
  }
  return out;
}

function vectorBinop(ev: Evaluator, e: BinaryExpr, lhsIn: StepSeries[], rhsIn: StepSeries[]): StepSeries[] {
  const m = e.matching!;
  if (m.card === 'many-to-many') throw new PromQLEvalError('many-to-many only allowed for set operators');
  const steps = ev.steps;
  const sig = signature(m);
  const oneToMany = m.card === 'one-to-many';
  // "many" side is iterated, "one" side is indexed by signature.
  const many = oneToMany ? rhsIn : lhsIn;
  const one = oneToMany ? lhsIn : rhsIn;
  const manySigs = many.map((s) => sig(s.labels));
  const oneSigs = one.map((s) => sig(s.labels));
  const isComparison = COMPARISON_OPS.has(e.op);
  const dropAll = e.returnBool || !isComparison;
  const resultCache = new Map<string, { labels: Labels; key: string }>();
  const resultMetric = (mi: number, oi: number) => {
    const ck = `${mi}:${oi}`;
    let r = resultCache.get(ck);
    if (r) return r;
    let labels: Labels = many[mi]!.labels;
    if (m.card === 'one-to-one') labels = m.on ? keepLabels(labels, m.labels) : dropLabels(labels, m.labels);
    if (m.include.length) {
      const out: Record<string, string> = { ...labels };
      const oneLabels = one[oi]!.labels;
      for (const n of m.include) {
        const v = oneLabels[n];
        if (v !== undefined && v !== '') out[n] = v;
        else delete out[n];
      }
      labels = out;
    }
    r = { labels, key: labelsKey(labels) };
    resultCache.set(ck, r);
    return r;
  };
  const builder = new SeriesBuilder(steps);
  const oneBySig = new Map<string, number>();
  const matched = new Map<string, Set<string> | null>();
  for (let i = 0; i < steps; i++) {
    let anyL = false;
    let anyR = false;
    for (const s of lhsIn) if (s.has[i]) { anyL = true; break; }
    for (const s of rhsIn) if (s.has[i]) { anyR = true; break; }
    if (!anyL || !anyR) continue;
    oneBySig.clear();
    for (let oi = 0; oi < one.length; oi++) {
      if (!one[oi]!.has[i]) continue;
      const k = oneSigs[oi]!;
      const prev = oneBySig.get(k);
      if (prev !== undefined) {
        const side = oneToMany ? 'left' : 'right';
        throw new PromQLEvalError(
          `found duplicate series for the match group ${formatLabels(matchedLabels(m, one[oi]!.labels))} on the ${side} hand-side of the operation: [${formatLabels(one[prev]!.labels)}, ${formatLabels(one[oi]!.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneBySig.set(k, oi);
    }
    matched.clear();
    for (let mi = 0; mi < many.length; mi++) {
      const ms = many[mi]!;
      if (!ms.has[i]) continue;
      const k = manySigs[mi]!;
      const oi = oneBySig.get(k);
      if (oi === undefined) continue;
      // Ambiguous matches are errors even when the comparison would filter the sample away.
      const res = resultMetric(mi, oi);
      const seen = matched.get(k);
      if (m.card === 'one-to-one') {
        if (seen !== undefined) throw new PromQLEvalError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
        matched.set(k, null);
      } else {
        let set = seen;
        if (!set) matched.set(k, (set = new Set()));
        if (set.has(res.key)) throw new PromQLEvalError('multiple matches for labels: grouping labels must ensure unique matches');
        set.add(res.key);
      }
      let l = ms.values[i]!;
      let r = one[oi]!.values[i]!;
      if (oneToMany) [l, r] = [r, l];
      let [value, keep] = applyOp(e.op, l, r);
      if (e.returnBool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      builder.add(res.key, res.labels, dropAll || ms.dropName, i, value);
    }
  }
  return builder.series;
}

export function evalBinary(ev: Evaluator, e: BinaryExpr): EvalValue {
  const lhs = ev.eval(e.lhs);
  const rhs = ev.eval(e.rhs);
  const steps = ev.steps;
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    return ev.scalar((i) => {
      const [v, keep] = applyOp(e.op, lhs.values[i]!, rhs.values[i]!);
      return e.returnBool ? (keep ? 1 : 0) : v;
    });
  }
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    if (SET_OPS.has(e.op)) return { kind: 'vector', series: setOperation(ev, e.op, e.matching!, lhs.series, rhs.series) };
    return { kind: 'vector', series: vectorBinop(ev, e, lhs.series, rhs.series) };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') return { kind: 'vector', series: vectorScalar(e, lhs.series, rhs.values, false, steps) };
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') return { kind: 'vector', series: vectorScalar(e, rhs.series, lhs.values, true, steps) };
  throw new PromQLEvalError('binary expression must contain only scalar and instant vector types');
}

function vectorScalar(e: BinaryExpr, series: StepSeries[], scalar: Float64Array, swap: boolean, steps: number): StepSeries[] {
  const isComparison = COMPARISON_OPS.has(e.op);
  const out: StepSeries[] = [];
  for (const s of series) {
    const values = new Float64Array(steps);
    const has = new Uint8Array(steps);
    let any = false;
    for (let i = 0; i < steps; i++) {
      if (!s.has[i]) continue;
      const sv = s.values[i]!;
      const l = swap ? scalar[i]! : sv;
      const r = swap ? sv : scalar[i]!;
      let [value, keep] = applyOp(e.op, l, r);
      if (isComparison && swap) value = r;
      if (e.returnBool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (!keep) continue;
      values[i] = value;
      has[i] = 1;
      any = true;
    }
    if (any) out.push({ labels: s.labels, dropName: s.dropName || e.returnBool || !isComparison, values, has });
  }
  return out;
}
