// The subset of LogQL Meshlight evaluates, as a small typed tree: what parse.ts builds from the
// @grafana/lezer-logql syntax tree and evaluate.ts runs. https://grafana.com/docs/loki/latest/query/

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export type LineFilterOp = '|=' | '!=' | '|~' | '!~';
export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type LabelTest =
  | { kind: 'match'; matcher: LabelMatcher }
  | { kind: 'number'; name: string; op: CompareOp; value: number }
  | { kind: 'and' | 'or'; left: LabelTest; right: LabelTest };

export type Stage =
  /** `|= "a" or "b"`: the line passes when any value matches (for != and !~: when none does). */
  | { kind: 'line'; op: LineFilterOp; values: string[] }
  | { kind: 'json' }
  | { kind: 'logfmt' }
  | { kind: 'labelFilter'; test: LabelTest }
  | { kind: 'lineFormat'; template: string };

export interface LogExpr {
  selector: LabelMatcher[];
  stages: Stage[];
}

export type RangeOp = 'count_over_time' | 'rate' | 'bytes_over_time' | 'bytes_rate';
export type VectorOp = 'sum' | 'count' | 'avg' | 'min' | 'max';

export type MetricExpr =
  | { kind: 'range'; op: RangeOp; rangeMs: number; log: LogExpr }
  | { kind: 'vector'; op: VectorOp; grouping: { without: boolean; labels: string[] } | undefined; inner: MetricExpr };

export type LogQLQuery = { kind: 'log'; expr: LogExpr } | { kind: 'metric'; expr: MetricExpr };

/** A query Meshlight cannot run: a syntax error, or a LogQL feature it does not implement. */
export class LogQLError extends Error {
  override name = 'LogQLError';
}
