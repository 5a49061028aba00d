// The OTLP metrics data model as decoded from the wire (protobuf or JSON), before translation to
// Prometheus series (otlp-to-prometheus.ts). Mirrors opentelemetry-proto metrics/v1/metrics.proto,
// with nanosecond times as bigint and counts as numbers (exact below 2^53).
import type { Attributes, InstrumentationScope, Resource } from '../model';

export interface OtlpMetricsRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

export interface OtlpResourceMetrics {
  resource: Resource;
  scopeMetrics: OtlpScopeMetrics[];
}

export interface OtlpScopeMetrics {
  scope: InstrumentationScope;
  metrics: OtlpMetric[];
}

export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  data: OtlpMetricData;
}

/** AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export const Temporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

export type OtlpMetricData =
  | { kind: 'none' }
  | { kind: 'gauge'; points: NumberPoint[] }
  | { kind: 'sum'; points: NumberPoint[]; temporality: number; monotonic: boolean }
  | { kind: 'histogram'; points: HistogramPoint[]; temporality: number }
  | { kind: 'exponentialHistogram'; points: ExponentialHistogramPoint[]; temporality: number }
  | { kind: 'summary'; points: SummaryPoint[] };

/** DataPointFlags.NO_RECORDED_VALUE: the point marks the series as gone (→ a staleness marker). */
export const NO_RECORDED_VALUE = 1;

export interface PointBase {
  attributes: Attributes;
  startNs: bigint;
  timeNs: bigint;
  flags: number;
}

export interface NumberPoint extends PointBase {
  value: number;
}

export interface HistogramPoint extends PointBase {
  count: number;
  sum: number | undefined;
  /** Per-bucket (not cumulative) counts; bucketCounts.length is explicitBounds.length + 1. */
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramPoint extends PointBase {
  count: number;
  sum: number | undefined;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
}

export interface SummaryPoint extends PointBase {
  count: number;
  sum: number;
  quantiles: { quantile: number; value: number }[];
}

export function emptyPointBase(): PointBase {
  return { attributes: {}, startNs: 0n, timeNs: 0n, flags: 0 };
}
