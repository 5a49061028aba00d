// The PromQL engine as the query API uses it: query text + a SeriesQueryable in, Prometheus's
// `data` object out, errors as Prometheus's error types. An adapter over lib/domain/promql
// (parsePromQL, evaluateInstant/evaluateRange, toPrometheusJson): parse errors and unsupported
// features are `bad_data` (400), evaluation errors `execution` (422), as Prometheus answers them.
import {
  evaluateInstant,
  evaluateRange,
  parsePromQL,
  PromQLEvalError,
  PromQLParseError,
  PromQLUnsupportedError,
  toPrometheusJson,
  type PromQueryData,
} from '../../domain/promql';
import type { SeriesQueryable } from '../../domain/metrics/types';

export type { PromQueryData };

export type PromErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

/** An error the API reports in Prometheus's shape; `bad_data` → 400, `execution` → 422. */
export class PromqlError extends Error {
  override name = 'PromqlError';
  constructor(
    readonly errorType: PromErrorType,
    message: string,
  ) {
    super(message);
  }
}

export interface PromqlEngine {
  instant(queryable: SeriesQueryable, query: string, timeMs: number): Promise<PromQueryData>;
  range(queryable: SeriesQueryable, query: string, startMs: number, endMs: number, stepMs: number): Promise<PromQueryData>;
}

async function asPromError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PromQLParseError || error instanceof PromQLUnsupportedError) throw new PromqlError('bad_data', error.message);
    if (error instanceof PromQLEvalError) throw new PromqlError('execution', error.message);
    throw error;
  }
}

export const promqlEngine: PromqlEngine = {
  instant: (queryable, query, timeMs) => asPromError(async () => toPrometheusJson(await evaluateInstant(queryable, parsePromQL(query), timeMs))),
  range: (queryable, query, startMs, endMs, stepMs) =>
    asPromError(async () => toPrometheusJson(await evaluateRange(queryable, parsePromQL(query), startMs, endMs, stepMs))),
};
