// The evaluator's intermediate values. Every node is evaluated once over all steps of the query
// (as Prometheus's rangeEval does), series-major: an instant-vector series holds one slot per step
// with a presence mask, so per-series work (label keys, grouping) happens once, not once per step.
import type { Labels } from '../metrics/types';

export class PromQLEvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromQLEvalError';
  }
}

/** An instant-vector series over the query's steps. */
export interface StepSeries {
  labels: Labels;
  /** Prometheus 3's delayed name removal: `__name__` is dropped when the result is returned. */
  dropName: boolean;
  values: Float64Array;
  has: Uint8Array;
}

/** A series with raw samples, the input to range functions (matrix selector or subquery). */
export interface RangeSeries {
  labels: Labels;
  dropName: boolean;
  /** Ascending timestamps (ms) and their values, staleness markers removed. */
  t: Float64Array;
  v: Float64Array;
}

export interface RangeSource {
  series: RangeSeries[];
  rangeMs: number;
  offsetMs: number;
  /** The resolved @ time in ms, or null. */
  atMs: number | null;
}

export type EvalValue =
  | { kind: 'vector'; series: StepSeries[] }
  | { kind: 'scalar'; values: Float64Array }
  | { kind: 'string'; value: string }
  | { kind: 'matrix'; source: RangeSource };

export function newStepSeries(labels: Labels, dropName: boolean, steps: number): StepSeries {
  return { labels, dropName, values: new Float64Array(steps), has: new Uint8Array(steps) };
}

/** Output series keyed by label set, erroring when one label set gets two values at a step. */
export class SeriesBuilder {
  private readonly byKey = new Map<string, StepSeries>();
  readonly series: StepSeries[] = [];
  constructor(private readonly steps: number) {}

  add(key: string, labels: Labels, dropName: boolean, step: number, value: number): void {
    let s = this.byKey.get(key);
    if (!s) {
      s = newStepSeries(labels, dropName, this.steps);
      this.byKey.set(key, s);
      this.series.push(s);
    } else if (s.has[step]) {
      throw new PromQLEvalError('vector cannot contain metrics with the same labelset');
    }
    if (dropName) s.dropName = true;
    s.values[step] = value;
    s.has[step] = 1;
  }
}
