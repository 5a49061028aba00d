// RED derived from traces, served to PromQL as Prometheus-style series (so rules and queries can use
// `rate(meshlight_span_calls_total[5m])` or `histogram_quantile(0.95, sum by (le, service) (rate(meshlight_span_duration_seconds_bucket[5m])))`):
//
//   meshlight_span_calls_total{service, operation}       counter
//   meshlight_span_errors_total{service, operation}      counter
//   meshlight_span_duration_seconds_bucket{service, operation, le}  cumulative histogram buckets
//   meshlight_span_duration_seconds_count{service, operation}
//
// The rollups hold per-minute counts (operation_red_minutes); a counter is synthesized by adding
// them up from the start of the selected window: a 0 at the first minute's start, then the running
// sum at each minute's end, every minute of the window (zero-count minutes included), so rate() and
// increase() see exactly the per-minute counts. A minute's sample is stamped at its end, so the
// current, unfinished minute is not visible until it ends (data lags by up to a minute). `le` bounds
// are a fixed coarse set; a rollup bucket counts under the first bound ≥ its upper edge (so a
// quantile is over-estimated by at most one rollup bucket, ~10 %).
import type { LabelMatcher, Labels, SeriesQueryable, SeriesSamples } from '../metrics/types';
import { matchesAll } from '../promql';
import { BUCKET_COUNT, bucketUpperUs } from '../service-graph/latency-histogram';

export interface OperationRedMinute {
  service: string;
  operation: string;
  minuteMs: number;
  calls: number;
  errors: number;
  histogram: readonly number[];
}

export interface OperationRedSource {
  /** Per service, operation and minute (summed over span kinds and environments), minutes starting in [startMs, endMs). `service` narrows when given. */
  operationMinutes(startMs: number, endMs: number, service?: string): Promise<OperationRedMinute[]>;
}

export const RED_METRICS = {
  calls: 'meshlight_span_calls_total',
  errors: 'meshlight_span_errors_total',
  bucket: 'meshlight_span_duration_seconds_bucket',
  count: 'meshlight_span_duration_seconds_count',
} as const;

export const RED_LE_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity] as const;

const MINUTE = 60_000;
const NAMES = new Set<string>(Object.values(RED_METRICS));

/** For each rollup bucket, the index in RED_LE_SECONDS it counts under. */
const LE_OF_BUCKET: number[] = Array.from({ length: BUCKET_COUNT }, (_, i) => {
  const upperS = bucketUpperUs(i) / 1e6;
  const idx = RED_LE_SECONDS.findIndex((le) => upperS <= le * (1 + 1e-9));
  return idx < 0 ? RED_LE_SECONDS.length - 1 : idx;
});

export function formatLe(le: number): string {
  return le === Infinity ? '+Inf' : String(le);
}

export class RedQueryable implements SeriesQueryable {
  constructor(private readonly source: OperationRedSource) {}

  async select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]> {
    const nameMatchers = matchers.filter((m) => m.name === '__name__');
    const wanted = [...NAMES].filter((n) => matchesAll({ __name__: n }, nameMatchers));
    if (wanted.length === 0) return [];
    const service = matchers.find((m) => m.name === 'service' && m.type === '=')?.value;
    // Minutes whose end falls in [startMs, endMs], plus the one before for the leading zero.
    const firstMinute = Math.floor((startMs - MINUTE) / MINUTE) * MINUTE;
    const lastMinute = Math.floor((endMs - MINUTE) / MINUTE) * MINUTE;
    if (lastMinute < firstMinute) return [];
    const rows = await this.source.operationMinutes(firstMinute, lastMinute + MINUTE, service);
    return synthesizeRedSeries(rows, firstMinute, lastMinute, wanted).filter((s) => matchesAll(s.labels, matchers) && s.samples.length > 0)
      .map((s) => ({ labels: s.labels, samples: s.samples.filter((p) => p.t >= startMs && p.t <= endMs) }))
      .filter((s) => s.samples.length > 0);
  }
}

/** Pure: cumulative series for minutes firstMinute..lastMinute (inclusive, minute starts). */
export function synthesizeRedSeries(rows: readonly OperationRedMinute[], firstMinute: number, lastMinute: number, names: readonly string[]): SeriesSamples[] {
  const byOp = new Map<string, { service: string; operation: string; minutes: Map<number, OperationRedMinute> }>();
  for (const r of rows) {
    const key = `${r.service}\u0000${r.operation}`;
    let op = byOp.get(key);
    if (!op) byOp.set(key, (op = { service: r.service, operation: r.operation, minutes: new Map() }));
    const prev = op.minutes.get(r.minuteMs);
    if (!prev) op.minutes.set(r.minuteMs, r);
    else {
      const histogram = prev.histogram.map((n, i) => n + (r.histogram[i] ?? 0));
      op.minutes.set(r.minuteMs, { ...prev, calls: prev.calls + r.calls, errors: prev.errors + r.errors, histogram });
    }
  }
  const out: SeriesSamples[] = [];
  const want = new Set(names);
  const histograms = want.has(RED_METRICS.bucket) || want.has(RED_METRICS.count);
  for (const op of byOp.values()) {
    const first = Math.max(firstMinute, Math.min(...op.minutes.keys()));
    const base = { service: op.service, operation: op.operation };
    const calls: Array<{ t: number; v: number }> = [{ t: first, v: 0 }];
    const errors: Array<{ t: number; v: number }> = [{ t: first, v: 0 }];
    const buckets = RED_LE_SECONDS.map(() => [{ t: first, v: 0 }]);
    let c = 0;
    let e = 0;
    const le = new Array<number>(RED_LE_SECONDS.length).fill(0);
    for (let m = first; m <= lastMinute; m += MINUTE) {
      const row = op.minutes.get(m);
      if (row) {
        c += row.calls;
        e += row.errors;
        if (histograms) {
          row.histogram.forEach((n, i) => {
            if (n) le[LE_OF_BUCKET[i]!]! += n;
          });
        }
      }
      const t = m + MINUTE;
      calls.push({ t, v: c });
      errors.push({ t, v: e });
      if (!histograms) continue;
      let cumulative = 0;
      for (let j = 0; j < le.length; j++) {
        cumulative += le[j]!;
        buckets[j]!.push({ t, v: cumulative });
      }
    }
    if (want.has(RED_METRICS.calls)) out.push({ labels: { __name__: RED_METRICS.calls, ...base }, samples: calls });
    if (want.has(RED_METRICS.errors)) out.push({ labels: { __name__: RED_METRICS.errors, ...base }, samples: errors });
    if (want.has(RED_METRICS.count)) out.push({ labels: { __name__: RED_METRICS.count, ...base }, samples: buckets[buckets.length - 1]!.map((p) => ({ ...p })) });
    if (want.has(RED_METRICS.bucket)) {
      RED_LE_SECONDS.forEach((bound, j) => out.push({ labels: { __name__: RED_METRICS.bucket, ...base, le: formatLe(bound) } as Labels, samples: buckets[j]! }));
    }
  }
  return out;
}
