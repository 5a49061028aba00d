// A fixed log-scale latency histogram: the same 72 buckets everywhere (collector, PostgreSQL,
// query side, browser), so histograms of any minutes, edges or services add bucket by bucket and
// percentiles over any window come from the sum. Bucket 0 holds [0, 10 µs); bucket i ≥ 1 holds
// [10 µs · r^(i−1), 10 µs · r^i) with r = 2^(1/3) (≈ 1.26, three buckets per doubling), up to
// bucket 71 for everything from about 106 s on. A percentile read from it is within ±13% of the
// true value (half a bucket), less after interpolation — enough to colour a map and spot a
// regression, at 72 small integers per minute.

export const BUCKET_COUNT = 72;
export const FIRST_BOUND_US = 10;
const BUCKETS_PER_DOUBLING = 3;
const GROWTH = 2 ** (1 / BUCKETS_PER_DOUBLING);

/** Dense bucket counts, index = bucket. */
export type Histogram = number[];

export function emptyHistogram(): Histogram {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

// UPPER[i] = upper bound of bucket i (computed once: bucketOf runs for every call observed).
const UPPER = Array.from({ length: BUCKET_COUNT }, (_, i) => (i >= BUCKET_COUNT - 1 ? Infinity : FIRST_BOUND_US * GROWTH ** i));

/** Lower bound of bucket `i` in microseconds. */
export function bucketLowerUs(i: number): number {
  return i <= 0 ? 0 : UPPER[i - 1]!;
}

/** Upper bound of bucket `i` in microseconds; Infinity for the last. */
export function bucketUpperUs(i: number): number {
  return UPPER[Math.min(Math.max(i, 0), BUCKET_COUNT - 1)]!;
}

export function bucketOf(latencyUs: number): number {
  if (!(latencyUs >= FIRST_BOUND_US)) return 0; // also NaN and negatives
  const i = Math.min(Math.floor(BUCKETS_PER_DOUBLING * Math.log2(latencyUs / FIRST_BOUND_US)) + 1, BUCKET_COUNT - 1);
  // log2 can land a hair off an exact boundary; the bounds decide.
  if (latencyUs >= UPPER[i]!) return i + 1;
  if (latencyUs < UPPER[i - 1]!) return i - 1;
  return i;
}

export function addToHistogram(histogram: Histogram, latencyUs: number, count = 1): void {
  histogram[bucketOf(latencyUs)]! += count;
}

export function mergeHistogram(into: Histogram, from: readonly number[]): Histogram {
  for (let i = 0; i < BUCKET_COUNT; i++) into[i]! += from[i] ?? 0;
  return into;
}

export function histogramCount(histogram: readonly number[]): number {
  let total = 0;
  for (const n of histogram) total += n;
  return total;
}

/**
 * The q-quantile (0 < q ≤ 1) in microseconds, interpolated inside its bucket geometrically (linearly
 * in bucket 0), the way latencies spread across a log-scale bucket. `maxUs` (the largest value
 * seen) caps the answer and stands in for the last bucket's missing upper bound. Undefined when the
 * histogram is empty.
 */
export function percentileUs(histogram: readonly number[], q: number, maxUs?: number): number | undefined {
  const total = histogramCount(histogram);
  if (total === 0) return undefined;
  // Nearest rank: the smallest count of observations that covers q of them.
  const rank = Math.min(total, Math.max(1, Math.ceil(q * total)));
  let seen = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const count = histogram[i] ?? 0;
    if (count === 0) continue;
    if (seen + count >= rank) {
      const fraction = (rank - seen) / count;
      const lower = bucketLowerUs(i);
      let upper = bucketUpperUs(i);
      if (maxUs !== undefined && maxUs >= lower && maxUs < upper) upper = maxUs;
      if (!Number.isFinite(upper)) return maxUs ?? lower;
      const value = i === 0 ? lower + (upper - lower) * fraction : lower * (upper / lower) ** fraction;
      return maxUs !== undefined ? Math.min(value, maxUs) : value;
    }
    seen += count;
  }
  return maxUs;
}

/**
 * PostgreSQL array literal of a histogram holding only its non-empty range, with explicit bounds
 * (subscripts are bucket + 1): `[3:5]={4,0,1}`. Out-of-range subscripts read as NULL, which SQL's
 * sum() skips, so stored histograms add up without storing dozens of zeros. Null when empty.
 */
export function histogramToSql(histogram: readonly number[]): string | null {
  let lo = -1;
  let hi = -1;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    if ((histogram[i] ?? 0) === 0) continue;
    if (lo < 0) lo = i;
    hi = i;
  }
  if (lo < 0) return null;
  return `[${lo + 1}:${hi + 1}]={${histogram.slice(lo, hi + 1).join(',')}}`;
}

/** The inverse of histogramToSql(), also accepting plain `{…}` (subscripts from 1) and NULL. */
export function histogramFromSql(text: string | null): Histogram {
  const histogram = emptyHistogram();
  if (text === null || text === '') return histogram;
  const match = /^(?:\[(-?\d+):(-?\d+)\]=)?\{(.*)\}$/.exec(text);
  if (!match) throw new Error(`not a histogram array: ${text.slice(0, 40)}`);
  const first = match[1] !== undefined ? Number(match[1]) : 1;
  if (match[3] === '') return histogram;
  const values = match[3]!.split(',');
  for (let j = 0; j < values.length; j++) {
    const bucket = first - 1 + j;
    const value = values[j] === 'NULL' ? 0 : Number(values[j]);
    if (bucket >= 0 && bucket < BUCKET_COUNT) histogram[bucket]! += value;
  }
  return histogram;
}
