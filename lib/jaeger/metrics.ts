// Jaeger's SPM metric families (api_v2/metrics MetricFamily, as jaeger-query marshals it with
// jsonpb) computed from the service graph's per-minute operation rollups instead of Prometheus
// spanmetrics. Each point at time t answers what Jaeger's PromQL answers over `ratePer` before t:
//   calls      sum(rate(calls[ratePer]))                        → calls per second
//   errors     sum(rate(errors[ratePer])) / sum(rate(calls[…])) → a fraction, 0 with no errors
//   latencies  histogram_quantile(q, sum(rate(bucket[ratePer]))) → milliseconds
// A minute m is in the window of t when t − ratePer ≤ m < t. Points run from endTs − lookback to
// endTs by `step`, as Prometheus' range query does; a series is listed only when it has calls in
// the range, and a latency point only where its window has calls. Pure: the caller reads rows.
import type { LatenciesQuery, MetricName, MetricsQuery } from '../contracts/jaeger-metrics';
import { BUCKET_COUNT, emptyHistogram, percentileUs } from '../domain/service-graph/latency-histogram';

export interface MetricLabel {
  name: string;
  value: string;
}

export interface MetricPoint {
  gaugeValue: { doubleValue: number };
  /** RFC 3339, as jsonpb writes google.protobuf.Timestamp. */
  timestamp: string;
}

export interface MetricFamily {
  name: string;
  type: 'GAUGE';
  help: string;
  metrics: Array<{ labels: MetricLabel[]; metricPoints: MetricPoint[] }>;
}

/** One minute of one series (a service, or a service's operation): counters summed over kinds and environments. */
export interface MetricMinute {
  service: string;
  /** Set when grouped by operation. */
  operation?: string;
  minuteMs: number;
  calls: number;
  errors: number;
  /** Dense latency histogram (lib/domain/service-graph/latency-histogram.ts); absent when not needed. */
  histogram?: readonly number[];
}

const NAMES: Record<MetricName, { service: string; operation: string; help: (q?: number) => string }> = {
  latencies: { service: 'service_latencies', operation: 'service_operation_latencies', help: (q) => `${q}th quantile latency` },
  calls: { service: 'service_call_rate', operation: 'service_operation_call_rate', help: () => 'calls/sec' },
  errors: {
    service: 'service_error_rate',
    operation: 'service_operation_error_rate',
    help: () => 'error rate, computed as a fraction of errors/sec over calls/sec',
  },
};

/** The point times of a query: endTs − lookback, then every `step`, up to endTs. */
export function pointTimes(query: MetricsQuery): number[] {
  const times: number[] = [];
  for (let t = query.endMs - query.lookbackMs; t <= query.endMs; t += query.stepMs) times.push(t);
  return times;
}

/** The minutes a query must read: [first point − ratePer, endTs). */
export function minutesRead(query: MetricsQuery): { fromMs: number; toMs: number } {
  return { fromMs: query.endMs - query.lookbackMs - query.ratePerMs, toMs: query.endMs };
}

export function metricFamily(metric: MetricName, query: MetricsQuery | LatenciesQuery, minutes: readonly MetricMinute[]): MetricFamily {
  const names = NAMES[metric];
  const quantile = metric === 'latencies' ? (query as LatenciesQuery).quantile : undefined;
  const family: MetricFamily = {
    name: query.groupByOperation ? names.operation : names.service,
    type: 'GAUGE',
    help: `${names.help(quantile)}, grouped by service${query.groupByOperation ? ' & operation' : ''}`,
    metrics: [],
  };
  const series = new Map<string, MetricMinute[]>();
  for (const minute of minutes) {
    const key = query.groupByOperation ? `${minute.service}\u0000${minute.operation ?? ''}` : minute.service;
    let list = series.get(key);
    if (!list) series.set(key, (list = []));
    list.push(minute);
  }
  const times = pointTimes(query);
  const rateSeconds = query.ratePerMs / 1000;
  for (const list of [...series.values()].sort((a, b) => compareSeries(a[0]!, b[0]!))) {
    list.sort((a, b) => a.minuteMs - b.minuteMs);
    const points: MetricPoint[] = [];
    // A sliding window over the sorted minutes: [from, to) indexes the minutes in the window.
    let from = 0;
    let to = 0;
    let calls = 0;
    let errors = 0;
    let anyCalls = false;
    const histogram = emptyHistogram();
    for (const t of times) {
      while (to < list.length && list[to]!.minuteMs < t) {
        const m = list[to++]!;
        calls += m.calls;
        errors += m.errors;
        if (m.histogram) for (let i = 0; i < BUCKET_COUNT; i++) histogram[i]! += m.histogram[i] ?? 0;
      }
      while (from < to && list[from]!.minuteMs < t - query.ratePerMs) {
        const m = list[from++]!;
        calls -= m.calls;
        errors -= m.errors;
        if (m.histogram) for (let i = 0; i < BUCKET_COUNT; i++) histogram[i]! -= m.histogram[i] ?? 0;
      }
      if (calls > 0) anyCalls = true;
      const timestamp = new Date(t).toISOString();
      if (metric === 'calls') points.push(point(calls / rateSeconds, timestamp));
      else if (metric === 'errors') points.push(point(calls > 0 ? errors / calls : 0, timestamp));
      else if (calls > 0) {
        const us = percentileUs(histogram, quantile!);
        if (us !== undefined) points.push(point(us / 1000, timestamp));
      }
    }
    if (!anyCalls) continue;
    const first = list[0]!;
    const labels: MetricLabel[] = [];
    if (query.groupByOperation) labels.push({ name: 'operation', value: first.operation ?? '' });
    labels.push({ name: 'service_name', value: first.service });
    family.metrics.push({ labels, metricPoints: points });
  }
  return family;
}

function point(value: number, timestamp: string): MetricPoint {
  return { gaugeValue: { doubleValue: value }, timestamp };
}

function compareSeries(a: MetricMinute, b: MetricMinute): number {
  return a.service < b.service ? -1 : a.service > b.service ? 1 : (a.operation ?? '') < (b.operation ?? '') ? -1 : (a.operation ?? '') > (b.operation ?? '') ? 1 : 0;
}
