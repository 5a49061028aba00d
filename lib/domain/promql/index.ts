// Meshlight's PromQL engine: public API. Pure (no I/O besides the SeriesQueryable you pass in).
//
//   parsePromQL(text): Expr
//     Parses and type-checks PromQL with Prometheus's lezer grammar. Throws PromQLParseError
//     (`.message` like Prometheus: "1:5: parse error: unexpected end of input"; `.position`
//     {offset, line, column}; `.detail`) or PromQLUnsupportedError ("unsupported: <feature>",
//     `.feature`) for valid PromQL we do not evaluate (info(), start_timestamp(), min_of/max_of and
//     other duration arithmetic, fill/anchored/smoothed modifiers). Native histograms are not
//     stored, so histogram_count/sum/avg/stddev/stdvar return empty vectors.
//
//   evaluateInstant(queryable, expr, timeMs, opts?): Promise<QueryResult>
//   evaluateRange(queryable, expr, startMs, endMs, stepMs, opts?): Promise<QueryResult>
//     Evaluate like /api/v1/query and /api/v1/query_range. Every selector issues exactly one
//     `queryable.select(matchers, minT, maxT)` for the window it needs (lookback, range, offset, @,
//     subqueries), concurrently; evaluation itself is synchronous. Runtime errors (e.g. "vector
//     cannot contain metrics with the same labelset", many-to-many matching) throw PromQLEvalError.
//     Range queries require a scalar or instant-vector expression, step > 0, end >= start and at most
//     11,000 steps (else PromQLEvalError, with Prometheus's messages). Suggested HTTP mapping (as
//     Prometheus): PromQLParseError / PromQLUnsupportedError → 400 errorType "bad_data";
//     PromQLEvalError → 422 errorType "execution".
//     opts: { lookbackDeltaMs = 300_000, subqueryStepMs = 60_000, compat = 'prometheus3',
//             maxSamples = 50_000_000 (samples loaded by all selectors; beyond → PromQLEvalError
//             "query processing would load too many samples…", which Prometheus answers with 422) }.
//     compat 'prometheus2' switches to Prometheus 2.x's closed windows/lookback, subquery alignment
//     and rate() extrapolation order: use it when comparing against the Debian Prometheus 2.42
//     (name removal stays 3.x-style: delayed, which only differs for odd queries like
//     `sum by (__name__) (rate(x[5m]))`).
//     QueryResult uses milliseconds and numbers:
//       {resultType:'vector', result:[{metric, t, v}]} | {resultType:'matrix', result:[{metric, points:[[t, v]]}]}
//       {resultType:'scalar', result:[t, v]} | {resultType:'string', result:[t, s]}
//
//   ColumnarQueryable (optional fast path): a SeriesQueryable that also has
//     selectColumns(matchers, startMs, endMs) → [{labels, t: Float64Array, v: Float64Array}] is read
//     through it, skipping per-sample objects; staleness markers are recognised by their bits in `v`.
//
//   parseSeriesSelector(text): LabelMatcher[] — for /api/v1/series, /labels, /label/{name}/values
//     `match[]` parameters (a plain vector selector; otherwise PromQLParseError).
//
//   toPrometheusJson(result): the HTTP API's `data` object ({resultType, result} with
//     [unixSeconds, "value"] pairs, "NaN"/"+Inf"/"-Inf", Go's shortest float formatting).
//   formatPromFloat(v): that float formatting alone.
//
//   MemoryQueryable: an in-memory SeriesQueryable (tests, small tools); matchesAll(labels, matchers)
//     and anchoredRegex(re) give the same matcher semantics to other SeriesQueryable implementations.
//
// Semantics are Prometheus 3.x (left-open range windows, delayed __name__ removal); the conformance
// test (conformance.test.ts) replays Prometheus's own promqltest scripts in ./testdata.
export { parsePromQL, parseSeriesSelector, PromQLParseError, PromQLUnsupportedError, parseDurationMs, type ParsePosition } from './parser';
export { evaluateInstant, evaluateRange, type ColumnarQueryable, type ColumnarSeries, type EvalOptions, type QueryResult, type VectorSample, type MatrixSeries } from './engine';
export { PromQLEvalError } from './values';
export { toPrometheusJson, formatPromFloat, formatPromTime, type PromQueryData, type PromSamplePair } from './format';
export { MemoryQueryable, matchesAll } from './memory-queryable';
export { anchoredRegex } from './regex';
export type { Expr, ValueType } from './ast';
export { typeOf } from './ast';
