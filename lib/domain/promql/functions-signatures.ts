// The argument and return types of every PromQL function Meshlight evaluates (Prometheus's
// promql/parser/functions.go), used by the parser's type check. Functions Prometheus knows but we
// do not evaluate (native-histogram-only, experimental) are listed in UNSUPPORTED_FUNCTIONS so the
// error names them.
import type { ValueType } from './ast';

export interface FunctionSignature {
  /** Required arguments. */
  args: ValueType[];
  /** The type of optional trailing arguments, if any. */
  optional: ValueType | null;
  /** The most arguments allowed (Infinity for label_join and sort_by_label). */
  maxArgs: number;
  returns: ValueType;
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

function sig(args: ValueType[], returns: ValueType = V, variadic = 0, optional: ValueType | null = null): FunctionSignature {
  if (variadic === 0) return { args, optional: null, maxArgs: args.length, returns };
  const opt = optional ?? args[args.length - 1]!;
  const required = optional ? args : args.slice(0, -1);
  return { args: required, optional: opt, maxArgs: variadic < 0 ? Infinity : required.length + variadic, returns };
}

export const FUNCTIONS: Record<string, FunctionSignature> = {
  abs: sig([V]),
  ceil: sig([V]),
  floor: sig([V]),
  exp: sig([V]),
  ln: sig([V]),
  log2: sig([V]),
  log10: sig([V]),
  sqrt: sig([V]),
  sgn: sig([V]),
  acos: sig([V]),
  acosh: sig([V]),
  asin: sig([V]),
  asinh: sig([V]),
  atan: sig([V]),
  atanh: sig([V]),
  cos: sig([V]),
  cosh: sig([V]),
  sin: sig([V]),
  sinh: sig([V]),
  tan: sig([V]),
  tanh: sig([V]),
  deg: sig([V]),
  rad: sig([V]),
  pi: sig([], S),
  round: sig([V, S], V, 1),
  clamp: sig([V, S, S]),
  clamp_min: sig([V, S]),
  clamp_max: sig([V, S]),
  absent: sig([V]),
  absent_over_time: sig([M]),
  present_over_time: sig([M]),
  rate: sig([M]),
  irate: sig([M]),
  increase: sig([M]),
  delta: sig([M]),
  idelta: sig([M]),
  deriv: sig([M]),
  resets: sig([M]),
  changes: sig([M]),
  predict_linear: sig([M, S]),
  avg_over_time: sig([M]),
  count_over_time: sig([M]),
  max_over_time: sig([M]),
  min_over_time: sig([M]),
  sum_over_time: sig([M]),
  stddev_over_time: sig([M]),
  stdvar_over_time: sig([M]),
  last_over_time: sig([M]),
  first_over_time: sig([M]),
  mad_over_time: sig([M]),
  ts_of_first_over_time: sig([M]),
  ts_of_last_over_time: sig([M]),
  ts_of_max_over_time: sig([M]),
  ts_of_min_over_time: sig([M]),
  quantile_over_time: sig([S, M]),
  double_exponential_smoothing: sig([M, S, S]),
  histogram_quantile: sig([S, V]),
  histogram_fraction: sig([S, S, V]),
  histogram_quantiles: sig([V, STR, S], V, -1, S),
  histogram_count: sig([V]),
  histogram_sum: sig([V]),
  histogram_avg: sig([V]),
  histogram_stddev: sig([V]),
  histogram_stdvar: sig([V]),
  label_replace: sig([V, STR, STR, STR, STR]),
  label_join: sig([V, STR, STR], V, -1, STR),
  vector: sig([S]),
  scalar: sig([V], S),
  time: sig([], S),
  start: sig([], S),
  end: sig([], S),
  range: sig([], S),
  step: sig([], S),
  timestamp: sig([V]),
  minute: sig([], V, 1, V),
  hour: sig([], V, 1, V),
  day_of_week: sig([], V, 1, V),
  day_of_month: sig([], V, 1, V),
  day_of_year: sig([], V, 1, V),
  days_in_month: sig([], V, 1, V),
  month: sig([], V, 1, V),
  year: sig([], V, 1, V),
  sort: sig([V]),
  sort_desc: sig([V]),
  sort_by_label: sig([V], V, -1, STR),
  sort_by_label_desc: sig([V], V, -1, STR),
};

export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'info',
  'start_timestamp',
]);
