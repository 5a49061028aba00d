// Evaluation results → the Prometheus HTTP API's JSON `data` object (`{resultType, result}`), with
// Prometheus's sample encoding: `[<unix seconds>, "<value>"]`, values as strings formatted like Go's
// strconv 'f'/-1 (shortest round-trip), switching to 'e' below 1e-6 and from 1e21, and
// "NaN" / "+Inf" / "-Inf" (util/jsonutil MarshalFloat).
import type { Labels } from '../metrics/types';
import type { QueryResult } from './engine';

export type PromSamplePair = [number, string];

export type PromQueryData =
  | { resultType: 'vector'; result: { metric: Labels; value: PromSamplePair }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: PromSamplePair[] }[] }
  | { resultType: 'scalar'; result: PromSamplePair }
  | { resultType: 'string'; result: [number, string] };

/** A float as Prometheus's API writes it. */
export function formatPromFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const s = String(f);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // JS writes 1e-7 / 1e+21; Go writes 1e-07 / 1e+21 (at least two exponent digits).
  const mant = s.slice(0, e);
  const sign = s[e + 1]!;
  const digits = s.slice(e + 2);
  return `${mant}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
}

/** Milliseconds → the API's seconds number. */
export function formatPromTime(ms: number): number {
  return ms / 1000;
}

export function toPrometheusJson(r: QueryResult): PromQueryData {
  switch (r.resultType) {
    case 'vector':
      return { resultType: 'vector', result: r.result.map((s) => ({ metric: s.metric, value: [formatPromTime(s.t), formatPromFloat(s.v)] })) };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: r.result.map((s) => ({ metric: s.metric, values: s.points.map(([t, v]) => [formatPromTime(t), formatPromFloat(v)] as PromSamplePair) })),
      };
    case 'scalar':
      return { resultType: 'scalar', result: [formatPromTime(r.result[0]), formatPromFloat(r.result[1])] };
    case 'string':
      return { resultType: 'string', result: [formatPromTime(r.result[0]), r.result[1]] };
  }
}
