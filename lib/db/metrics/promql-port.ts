// The PromQL engine as the query API uses it: query text + a SeriesQueryable in, Prometheus's
// `data` object out. The engine itself (lib/domain/promql/: parsePromQL, evaluateInstant,
// evaluateRange, format.ts) is written on the `promql` branch.
//
// MERGE POINT: `promqlEngine` below is the one line to change when lib/domain/promql lands: an
// adapter whose instant()/range() call parsePromQL + evaluateInstant/evaluateRange and format the
// result with format.ts, throwing PromqlError('bad_data', message) for parse errors and
// unsupported features ('execution' for evaluation errors). Then delete promql-stub.ts.
import type { SeriesQueryable } from '../../domain/metrics/types';
import { selectorOnlyEngine } from './promql-stub';

export type PromResultType = 'vector' | 'matrix' | 'scalar' | 'string';

/** Prometheus's query result `data`: https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats */
export interface PromQueryData {
  resultType: PromResultType;
  result: unknown;
}

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

export const promqlEngine: PromqlEngine = selectorOnlyEngine;
