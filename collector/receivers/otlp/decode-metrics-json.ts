// Decodes an OTLP/JSON ExportMetricsServiceRequest (OTLP/HTTP `application/json` on /v1/metrics)
// into the same OtlpMetricsRequest the protobuf decoder produces for the same request.
// Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
//
//   decodeMetricsRequestJson(text) → OtlpMetricsRequest
//   decodeMetricsJson(text, options?) → MetricBatch   (translated: lib/domain/metrics/otlp-to-prometheus.ts;
//       pass options.deltas, a DeltaToCumulative shared by all requests, to accept delta temporality)
//
// As decode-trace-json.ts: strict about JSON types (a wrong type throws MalformedPayloadError with
// its path), lowerCamelCase and snake_case field names, unknown fields ignored, `null` = not set,
// 64-bit integers as decimal strings or numbers, enums as integers or names.
import type { InstrumentationScope, Resource } from '../../../lib/domain/model';
import {
  emptyPointBase,
  type ExponentialBuckets,
  type ExponentialHistogramPoint,
  type HistogramPoint,
  type NumberPoint,
  type OtlpMetric,
  type OtlpMetricData,
  type OtlpMetricsRequest,
  type OtlpResourceMetrics,
  type OtlpScopeMetrics,
  type PointBase,
  type SummaryPoint,
} from '../../../lib/domain/metrics/otlp-metrics';
import { otlpToPrometheus, type TranslateOptions } from '../../../lib/domain/metrics/otlp-to-prometheus';
import type { MetricBatch } from '../../../lib/domain/metrics/types';
// The OTLP resource / scope / attribute readers shared with the trace decoder.
import { decodeAttributesJsonInto as decodeAttributesInto, decodeResourceJsonInto as decodeResourceInto, decodeScopeJsonInto as decodeScopeInto } from '../../../lib/otlp/otlp-common';
import { expectArray, expectObject, jsonBool, jsonDouble, jsonEnum, jsonInt64Attribute, jsonString, jsonUint32, jsonUint64, type JsonObject } from './json-values';
import { MalformedPayloadError, asMalformed, rethrowWithin } from './malformed';

const TEMPORALITY_NAMES = ['AGGREGATION_TEMPORALITY_UNSPECIFIED', 'AGGREGATION_TEMPORALITY_DELTA', 'AGGREGATION_TEMPORALITY_CUMULATIVE'] as const;

export function decodeMetricsJson(text: string, options: TranslateOptions = {}): MetricBatch {
  return otlpToPrometheus(decodeMetricsRequestJson(text), options);
}

export function decodeMetricsRequestJson(text: string): OtlpMetricsRequest {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new MalformedPayloadError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const resourceMetrics: OtlpResourceMetrics[] = [];
  try {
    const request = expectObject(root, 'an ExportMetricsServiceRequest');
    eachField(request, (key, value) => {
      if (key === 'resourceMetrics' || key === 'resource_metrics') eachItem(value, (item) => resourceMetrics.push(decodeResourceMetrics(item)));
    });
  } catch (error) {
    throw asMalformed(error);
  }
  return { resourceMetrics };
}

/** Calls `visit` for each non-null field, adding the field name to any error's path. */
function eachField(o: JsonObject, visit: (key: string, value: unknown) => void): void {
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      visit(key, value);
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
}

/** Calls `visit` for each array element, adding `[i]` to any error's path. */
function eachItem(value: unknown, visit: (item: unknown) => void): void {
  const list = expectArray(value);
  for (let i = 0; i < list.length; i++) {
    try {
      visit(list[i]);
    } catch (error) {
      rethrowWithin(error, `[${i}]`);
    }
  }
}

function decodeResourceMetrics(input: unknown): OtlpResourceMetrics {
  const resource: Resource = { attributes: {}, droppedAttributesCount: 0 };
  const scopeMetrics: OtlpScopeMetrics[] = [];
  eachField(expectObject(input, 'a ResourceMetrics'), (key, value) => {
    if (key === 'resource') decodeResourceInto(value, resource);
    else if (key === 'scopeMetrics' || key === 'scope_metrics') eachItem(value, (item) => scopeMetrics.push(decodeScopeMetrics(item)));
  });
  return { resource, scopeMetrics };
}

function decodeScopeMetrics(input: unknown): OtlpScopeMetrics {
  const scope: InstrumentationScope = { name: '', version: '', attributes: {} };
  const metrics: OtlpMetric[] = [];
  eachField(expectObject(input, 'a ScopeMetrics'), (key, value) => {
    if (key === 'scope') decodeScopeInto(value, scope);
    else if (key === 'metrics') eachItem(value, (item) => metrics.push(decodeMetric(item)));
  });
  return { scope, metrics };
}

const DATA_KINDS: Record<string, Exclude<OtlpMetricData['kind'], 'none'>> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponentialHistogram: 'exponentialHistogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
};

function decodeMetric(input: unknown): OtlpMetric {
  const metric: OtlpMetric = { name: '', description: '', unit: '', data: { kind: 'none' } };
  let member: string | undefined;
  eachField(expectObject(input, 'a Metric'), (key, value) => {
    if (key === 'name') metric.name = jsonString(value);
    else if (key === 'description') metric.description = jsonString(value);
    else if (key === 'unit') metric.unit = jsonString(value);
    else if (Object.hasOwn(DATA_KINDS, key)) {
      if (member !== undefined) throw new MalformedPayloadError(`Metric sets both ${member} and ${key}; they are a oneof`);
      member = key;
      metric.data = decodeData(value, DATA_KINDS[key]!);
    }
  });
  return metric;
}

function decodeData(input: unknown, kind: Exclude<OtlpMetricData['kind'], 'none'>): OtlpMetricData {
  const points: unknown[] = [];
  let temporality = 0;
  let monotonic = false;
  eachField(expectObject(input, `a ${kind}`), (key, value) => {
    switch (key) {
      case 'dataPoints':
      case 'data_points':
        eachItem(value, (item) => points.push(decodePoint(item, kind)));
        break;
      case 'aggregationTemporality':
      case 'aggregation_temporality':
        temporality = jsonEnum(value, TEMPORALITY_NAMES);
        break;
      case 'isMonotonic':
      case 'is_monotonic':
        monotonic = jsonBool(value);
        break;
    }
  });
  switch (kind) {
    case 'gauge':
      return { kind, points: points as NumberPoint[] };
    case 'sum':
      return { kind, points: points as NumberPoint[], temporality, monotonic };
    case 'histogram':
      return { kind, points: points as HistogramPoint[], temporality };
    case 'exponentialHistogram':
      return { kind, points: points as ExponentialHistogramPoint[], temporality };
    case 'summary':
      return { kind, points: points as SummaryPoint[] };
  }
}

function count(value: unknown): number {
  return Number(jsonUint64(value));
}

function int32(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
  if (typeof value === 'string' && /^-?\d{1,10}$/.test(value)) return int32(Number(value));
  throw new MalformedPayloadError(`expected a signed 32-bit integer, got ${JSON.stringify(value)}`);
}

function numbers(value: unknown, read: (item: unknown) => number): number[] {
  const list = expectArray(value);
  const out: number[] = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = read(list[i]);
    } catch (error) {
      rethrowWithin(error, `[${i}]`);
    }
  }
  return out;
}

/** Fields every data point kind shares; returns false for a field it does not know. */
function baseField(point: PointBase, key: string, value: unknown): boolean {
  switch (key) {
    case 'attributes':
      decodeAttributesInto(value, point.attributes);
      return true;
    case 'startTimeUnixNano':
    case 'start_time_unix_nano':
      point.startNs = jsonUint64(value);
      return true;
    case 'timeUnixNano':
    case 'time_unix_nano':
      point.timeNs = jsonUint64(value);
      return true;
    case 'flags':
      point.flags = jsonUint32(value);
      return true;
    default:
      return false;
  }
}

function decodePoint(input: unknown, kind: Exclude<OtlpMetricData['kind'], 'none'>): unknown {
  const o = expectObject(input, 'a data point');
  switch (kind) {
    case 'gauge':
    case 'sum': {
      const point: NumberPoint = { ...emptyPointBase(), value: 0 };
      eachField(o, (key, value) => {
        if (baseField(point, key, value)) return;
        if (key === 'asDouble' || key === 'as_double') point.value = jsonDouble(value);
        else if (key === 'asInt' || key === 'as_int') point.value = Number(jsonInt64Attribute(value));
      });
      return point;
    }
    case 'histogram': {
      const point: HistogramPoint = { ...emptyPointBase(), count: 0, sum: undefined, bucketCounts: [], explicitBounds: [] };
      eachField(o, (key, value) => {
        if (baseField(point, key, value)) return;
        if (key === 'count') point.count = count(value);
        else if (key === 'sum') point.sum = jsonDouble(value);
        else if (key === 'bucketCounts' || key === 'bucket_counts') point.bucketCounts = numbers(value, count);
        else if (key === 'explicitBounds' || key === 'explicit_bounds') point.explicitBounds = numbers(value, jsonDouble);
      });
      return point;
    }
    case 'exponentialHistogram': {
      const point: ExponentialHistogramPoint = {
        ...emptyPointBase(),
        count: 0,
        sum: undefined,
        scale: 0,
        zeroCount: 0,
        zeroThreshold: 0,
        positive: { offset: 0, bucketCounts: [] },
        negative: { offset: 0, bucketCounts: [] },
      };
      eachField(o, (key, value) => {
        if (baseField(point, key, value)) return;
        if (key === 'count') point.count = count(value);
        else if (key === 'sum') point.sum = jsonDouble(value);
        else if (key === 'scale') point.scale = int32(value);
        else if (key === 'zeroCount' || key === 'zero_count') point.zeroCount = count(value);
        else if (key === 'zeroThreshold' || key === 'zero_threshold') point.zeroThreshold = jsonDouble(value);
        else if (key === 'positive') point.positive = decodeBuckets(value);
        else if (key === 'negative') point.negative = decodeBuckets(value);
      });
      return point;
    }
    case 'summary': {
      const point: SummaryPoint = { ...emptyPointBase(), count: 0, sum: 0, quantiles: [] };
      eachField(o, (key, value) => {
        if (baseField(point, key, value)) return;
        if (key === 'count') point.count = count(value);
        else if (key === 'sum') point.sum = jsonDouble(value);
        else if (key === 'quantileValues' || key === 'quantile_values') {
          eachItem(value, (item) => {
            const q = { quantile: 0, value: 0 };
            eachField(expectObject(item, 'a ValueAtQuantile'), (k, v) => {
              if (k === 'quantile') q.quantile = jsonDouble(v);
              else if (k === 'value') q.value = jsonDouble(v);
            });
            point.quantiles.push(q);
          });
        }
      });
      return point;
    }
  }
}

function decodeBuckets(input: unknown): ExponentialBuckets {
  const buckets: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  eachField(expectObject(input, 'a Buckets'), (key, value) => {
    if (key === 'offset') buckets.offset = int32(value);
    else if (key === 'bucketCounts' || key === 'bucket_counts') buckets.bucketCounts = numbers(value, count);
  });
  return buckets;
}
