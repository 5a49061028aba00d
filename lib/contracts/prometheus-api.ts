// Parameters of the Prometheus HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/),
// read from the query string or a form-encoded POST body, validated with zod. Times are RFC 3339
// or Unix seconds, durations Prometheus durations or float seconds; messages follow Prometheus's.
import { z } from 'zod';
import { parseDurationParam, parseTimeParam } from '../domain/metrics/duration';
import { parseSeriesSelector, SelectorError } from '../domain/metrics/selector';
import type { LabelMatcher } from '../domain/metrics/types';

// Prometheus's MinTime/MaxTime, in milliseconds, for series lookups without start/end.
const MIN_TIME_MS = -9_223_372_036_854;
const MAX_TIME_MS = 9_223_372_036_854;

function time(name: string) {
  return z.string({ error: `invalid parameter "${name}": missing` }).transform((text, ctx) => {
    const ms = parseTimeParam(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `invalid parameter "${name}": cannot parse "${text}" to a valid timestamp` });
      return z.NEVER;
    }
    return ms;
  });
}

function duration(name: string) {
  return z.string({ error: `invalid parameter "${name}": missing` }).transform((text, ctx) => {
    const ms = parseDurationParam(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `invalid parameter "${name}": cannot parse "${text}" to a valid duration` });
      return z.NEVER;
    }
    return ms;
  });
}

const selectors = z.array(z.string(), { error: 'no match[] parameter provided' }).transform((texts, ctx) => {
  const out: LabelMatcher[][] = [];
  for (const text of texts) {
    try {
      out.push(parseSeriesSelector(text));
    } catch (error) {
      if (!(error instanceof SelectorError)) throw error;
      ctx.addIssue({ code: 'custom', message: `invalid parameter "match[]": ${error.message}` });
      return z.NEVER;
    }
  }
  return out;
});

const query = z.string({ error: 'invalid parameter "query": missing' }).min(1, 'invalid parameter "query": empty');

export const instantQueryParams = z.object({ query, time: time('time').optional(), timeout: z.string().optional() });
export const rangeQueryParams = z.object({
  query,
  start: time('start'),
  end: time('end'),
  step: duration('step'),
  timeout: z.string().optional(),
});
export const seriesParams = z.object({
  'match[]': selectors.refine((s) => s.length > 0, 'no match[] parameter provided'),
  start: time('start').default(MIN_TIME_MS),
  end: time('end').default(MAX_TIME_MS),
  limit: z.coerce.number().int().min(0).optional(),
});
export const labelsParams = z.object({
  'match[]': selectors.default([]),
  start: time('start').default(MIN_TIME_MS),
  end: time('end').default(MAX_TIME_MS),
  limit: z.coerce.number().int().min(0).optional(),
});
export const metadataParams = z.object({
  metric: z.string().optional(),
  limit: z.coerce.number().int().optional(),
});

/** Label names as Prometheus accepts them in /api/v1/label/{name}/values. */
export const labelNameSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'invalid label name');

/** URLSearchParams → a plain object: `match[]` as an array, other keys their first value. */
export function paramsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) out[key] = key.endsWith('[]') ? params.getAll(key) : params.get(key)!;
  return out;
}
