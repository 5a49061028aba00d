// Classic-bucket histogram math (Prometheus's promql/quantile.go): the quantile and the fraction of
// observations between two values, interpolating linearly inside a bucket. Buckets with equal upper
// bounds are merged; non-monotonic cumulative counts are forced monotonic, tiny float noise ignored.
import { almostEqual } from './labels';

export interface Bucket {
  upperBound: number;
  count: number;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

function prepare(buckets: Bucket[]): Bucket[] | null {
  buckets.sort((a, b) => a.upperBound - b.upperBound);
  if (buckets[buckets.length - 1]!.upperBound !== Infinity) return null;
  const merged: Bucket[] = [];
  for (const b of buckets) {
    const last = merged[merged.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else merged.push({ upperBound: b.upperBound, count: b.count });
  }
  let prev = merged[0]!.count;
  for (let i = 1; i < merged.length; i++) {
    const curr = merged[i]!.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE) || curr < prev) {
      merged[i]!.count = prev;
      continue;
    }
    prev = curr;
  }
  return merged;
}

/** histogram_quantile over cumulative classic buckets; NaN when undefined. */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = prepare(input);
  if (!buckets || buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0 || Number.isNaN(observations)) return NaN;
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b]!.count >= rank)) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/** histogram_fraction over cumulative classic buckets: the share of observations in [lower, upper]. */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const buckets = prepare(input);
  if (!buckets) return NaN;
  const count = buckets[buckets.length - 1]!.count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i]!;
    const lowerBound = i > 0 ? buckets[i - 1]!.upperBound : b.upperBound > 0 ? 0 : -Infinity;
    const upperBound = b.upperBound;
    const interpolate = (v: number) => rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = upperBound === Infinity || lowerBound === -Infinity ? (upperBound === Infinity ? rank : b.count) : interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = upperBound === Infinity || lowerBound === -Infinity ? (upperBound === Infinity ? rank : b.count) : interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
