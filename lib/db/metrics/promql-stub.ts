// A STAND-IN for the PromQL engine, only so this branch's API and UI work before lib/domain/promql
// is merged: it evaluates bare vector selectors (`up{job="x"}`) with Prometheus's 5-minute lookback
// and staleness, and refuses everything else with a bad_data error. Delete it on merge (see
// promql-port.ts).
import { parseSeriesSelector, SelectorError } from '../../domain/metrics/selector';
import { isStaleNaN, type Sample, type SeriesQueryable } from '../../domain/metrics/types';
import { PromqlError, type PromqlEngine } from './promql-port';

const LOOKBACK_MS = 5 * 60 * 1000;

function parse(query: string) {
  try {
    return parseSeriesSelector(query);
  } catch (error) {
    if (error instanceof SelectorError) {
      throw new PromqlError('bad_data', `${error.message} (this build evaluates only series selectors until the PromQL engine is merged)`);
    }
    throw error;
  }
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64) as Prometheus prints sample values. */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  // Expand exponent notation without losing digits.
  const [mantissa, exp] = s.split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt = (mantissa.replace('-', '').indexOf('.') === -1 ? mantissa.replace('-', '').length : mantissa.replace('-', '').indexOf('.')) + Number(exp);
  const body = pointAt <= 0 ? `0.${'0'.repeat(-pointAt)}${digits}` : pointAt >= digits.length ? digits + '0'.repeat(pointAt - digits.length) : `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return `${negative ? '-' : ''}${body}`;
}

/** The sample in force at `t`: the last one in (t - 5m, t], unless it is a staleness marker. */
function sampleAt(samples: Sample[], t: number, from: number): { v: number; index: number } | undefined {
  let i = from;
  while (i < samples.length && samples[i]!.t <= t) i++;
  const last = samples[i - 1];
  if (!last || last.t <= t - LOOKBACK_MS || isStaleNaN(last.v)) return undefined;
  return { v: last.v, index: i - 1 };
}

export const selectorOnlyEngine: PromqlEngine = {
  async instant(queryable: SeriesQueryable, query: string, timeMs: number) {
    const matchers = parse(query);
    const series = await queryable.select(matchers, timeMs - LOOKBACK_MS + 1, timeMs);
    const result = [];
    for (const s of series) {
      const at = sampleAt(s.samples, timeMs, 0);
      if (at) result.push({ metric: s.labels, value: [timeMs / 1000, formatSampleValue(at.v)] });
    }
    return { resultType: 'vector' as const, result };
  },
  async range(queryable: SeriesQueryable, query: string, startMs: number, endMs: number, stepMs: number) {
    const matchers = parse(query);
    const series = await queryable.select(matchers, startMs - LOOKBACK_MS + 1, endMs);
    const result = [];
    for (const s of series) {
      const values: [number, string][] = [];
      let from = 0;
      for (let t = startMs; t <= endMs; t += stepMs) {
        const at = sampleAt(s.samples, t, from);
        if (at) {
          values.push([t / 1000, formatSampleValue(at.v)]);
          from = at.index;
        }
      }
      if (values.length) result.push({ metric: s.labels, values });
    }
    return { resultType: 'matrix' as const, result };
  },
};
