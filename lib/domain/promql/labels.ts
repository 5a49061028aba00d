// Label-set helpers for the evaluator: canonical keys (cached per label object), name dropping,
// Prometheus's `{a="b"}` rendering for error messages, and float comparison helpers shared by the
// engine and the conformance runner.
import type { Labels } from '../metrics/types';

export const METRIC_NAME = '__name__';

const keyCache = new WeakMap<Labels, string>();

/** A canonical string for a label set (sorted names; \xff separators). */
export function labelsKey(labels: Labels): string {
  let k = keyCache.get(labels);
  if (k !== undefined) return k;
  const names = Object.keys(labels).sort();
  k = '';
  for (const n of names) k += n + '\xfe' + labels[n] + '\xff';
  keyCache.set(labels, k);
  return k;
}

export function withoutName(labels: Labels): Labels {
  if (!(METRIC_NAME in labels)) return labels;
  const out: Record<string, string> = {};
  for (const n in labels) if (n !== METRIC_NAME) out[n] = labels[n]!;
  return out;
}

/** Only the given label names (those present). */
export function keepLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined && v !== '') out[n] = v;
  }
  return out;
}

/** All labels except the given names. */
export function dropLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const n in labels) if (!names.includes(n)) out[n] = labels[n]!;
  return out;
}

/** Prometheus's Labels.String(): `{__name__="x", a="b"}` sorted by name. */
export function formatLabels(labels: Labels): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(', ')}}`;
}

/** Prometheus-style metric rendering: `name{a="b"}`. */
export function formatMetric(labels: Labels): string {
  const name = labels[METRIC_NAME];
  const rest = Object.keys(labels)
    .filter((n) => n !== METRIC_NAME)
    .sort()
    .map((n) => `${n}=${JSON.stringify(labels[n])}`)
    .join(', ');
  return name !== undefined ? `${name}{${rest}}` : `{${rest}}`;
}

/** Compares label sets like Prometheus's labels.Compare (by sorted name, then value). */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    if (an[i] !== bn[i]) return an[i]! < bn[i]! ? -1 : 1;
    const av = a[an[i]!]!;
    const bv = b[bn[i]!]!;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return an.length - bn.length;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus's util/almost.Equal: relative epsilon, NaN equals NaN. */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Neumaier-compensated summation step (Prometheus's kahanSumInc). */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  return [t, c];
}

/** The same labels with keys in name order (as Prometheus serializes them). */
export function sortedLabels(labels: Labels): Labels {
  const names = Object.keys(labels);
  let sorted = true;
  for (let i = 1; i < names.length; i++) if (names[i - 1]! > names[i]!) sorted = false;
  if (sorted) return labels;
  names.sort();
  const out: Record<string, string> = {};
  for (const n of names) out[n] = labels[n]!;
  return out;
}
