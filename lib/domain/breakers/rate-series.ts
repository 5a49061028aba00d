// A breaker's rates over a window as a fixed grid of points for sparklines and the history API:
// calls/s, rejected calls/s, failure rate and slow-call rate, averaged per step. The step is chosen
// so a window has at most `maxPoints` points, is a whole number of seconds and never under 10 s; a step with no
// sample is a gap (nulls), never a zero, so "no data" and "no calls" look different.
// Pure: samples (or per-step aggregates) in, points out.

export interface BreakerRatePoint {
  /** Unix ms: the start of the step. */
  t: number;
  callsPerSecond: number | null;
  rejectedPerSecond: number | null;
  /** Percent, 0–100. */
  failureRate: number | null;
  slowCallRate: number | null;
}

/** One step's averages as the database aggregates them (`bucket` = floor((t − start) / step)). */
export interface BreakerRateBucket extends Omit<BreakerRatePoint, 't'> {
  bucket: number;
}

const RATE_KEYS = ['callsPerSecond', 'rejectedPerSecond', 'failureRate', 'slowCallRate'] as const;

/**
 * Whole seconds, so that [start, end) holds at most `maxPoints` steps, and at least `minStepMs`:
 * twice the monitor's sampling interval (sampleDue), so that while a breaker reports every step
 * holds a sample — finer steps alternate samples and gaps, a comb instead of a line.
 */
export function rateSeriesStep(start: number, end: number, maxPoints = 120, minStepMs = 10_000): number {
  const span = Math.max(0, end - start);
  return Math.max(minStepMs, Math.ceil(span / Math.max(1, maxPoints) / 1000) * 1000);
}

/** The number of steps from `start` that cover `end`. */
export function rateSeriesLength(start: number, end: number, stepMs: number): number {
  return Math.max(1, Math.ceil((end - start) / stepMs));
}

/** Lays per-step aggregates out on the window's grid; steps without one are gaps. */
export function layOutRateSeries(buckets: readonly BreakerRateBucket[], start: number, end: number, stepMs: number): BreakerRatePoint[] {
  const n = rateSeriesLength(start, end, stepMs);
  const points: BreakerRatePoint[] = Array.from({ length: n }, (_, i) => ({ t: start + i * stepMs, callsPerSecond: null, rejectedPerSecond: null, failureRate: null, slowCallRate: null }));
  for (const b of buckets) {
    const p = points[b.bucket];
    if (!p) continue;
    for (const k of RATE_KEYS) p[k] = b[k] === null || !Number.isFinite(b[k]) ? null : b[k];
  }
  return points;
}

/** The same as the database's aggregation, from raw samples: the mean of each rate's known values per step. */
export function bucketRateSamples(samples: ReadonlyArray<BreakerRatePoint>, start: number, end: number, stepMs: number): BreakerRatePoint[] {
  const sums = new Map<number, { bucket: number } & Record<(typeof RATE_KEYS)[number], { sum: number; n: number }>>();
  for (const s of samples) {
    if (s.t < start || s.t >= end) continue;
    const bucket = Math.floor((s.t - start) / stepMs);
    let acc = sums.get(bucket);
    if (!acc) sums.set(bucket, (acc = { bucket, callsPerSecond: { sum: 0, n: 0 }, rejectedPerSecond: { sum: 0, n: 0 }, failureRate: { sum: 0, n: 0 }, slowCallRate: { sum: 0, n: 0 } }));
    for (const k of RATE_KEYS) {
      const v = s[k];
      if (v !== null && Number.isFinite(v)) {
        acc[k].sum += v;
        acc[k].n++;
      }
    }
  }
  const mean = (a: { sum: number; n: number }) => (a.n ? a.sum / a.n : null);
  return layOutRateSeries(
    [...sums.values()].map((a) => ({ bucket: a.bucket, callsPerSecond: mean(a.callsPerSecond), rejectedPerSecond: mean(a.rejectedPerSecond), failureRate: mean(a.failureRate), slowCallRate: mean(a.slowCallRate) })),
    start,
    end,
    stepMs,
  );
}

/**
 * Whether a breaker's sample is due: the first one, a state change, or `everyMs` since the last
 * written sample (rates only move with scrapes; spans update a breaker far more often).
 */
export function sampleDue(lastSampleT: number | undefined, lastSampleState: string | undefined, t: number, state: string, everyMs = 5000): boolean {
  return lastSampleT === undefined || state !== lastSampleState || t - lastSampleT >= everyMs;
}
