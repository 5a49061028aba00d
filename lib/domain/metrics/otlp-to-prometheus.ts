// The OpenTelemetry → Prometheus translation of decoded OTLP metrics into a MetricBatch, after the
// OpenTelemetry spec (https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/#otlp-metric-points-to-prometheus)
// and Prometheus's own OTLP receiver (github.com/prometheus/otlptranslator, the default
// "UnderscoreEscapingWithSuffixes" strategy):
//
// - Names: split on anything not [A-Za-z0-9:] and joined with `_`; the unit is appended as words
//   (`s`→`seconds`, `By`→`bytes`, `ms`→`milliseconds`, …; `x/y` → `x_per_y`; `{annotations}` and
//   `1` add nothing) unless the name already has that word; monotonic sums end in `_total`;
//   gauges with unit `1` end in `_ratio`; a leading digit gets a `_` prefix.
// - Labels: attribute keys with each run of characters outside [A-Za-z0-9] (underscores
//   included) replaced by one `_` (`__reserved__` keys keep their double underscores), `key_`
//   before a leading digit, `key` before a single leading `_`; keys that collide are joined with `;`
//   (sorted by original key). Values: strings as is, other values as their JSON/decimal text.
//   `otel_scope_name`/`otel_scope_version` from the scope; `job` = `service.namespace/service.name`
//   (or `service.name`), `instance` = `service.instance.id`. Empty values are dropped.
// - `target_info` (a gauge of 1) carries every other resource attribute, per resource, at the
//   newest point time of that resource.
// - Gauge → the value; sum → the value (delta sums are accumulated by DeltaToCumulative);
//   histogram → `_bucket{le}` cumulative (+Inf = count), `_sum`, `_count`; summary →
//   `{quantile}`, `_sum`, `_count`. A point flagged NO_RECORDED_VALUE becomes staleness markers.
// - Exponential histograms are converted into classic buckets, losslessly: each exponential
//   bucket becomes one `le` bucket at its upper bound (negative buckets, then the zero bucket at
//   `le = zero_threshold`, then positive ones). Over MAX_CLASSIC_BUCKETS buckets the scale is
//   lowered (adjacent buckets merged) until it fits. The `le` values follow the sender's scale,
//   so a sender that rescales produces new bucket series (histogram_quantile still works).
//
// Rejected (counted in rejectedSamples with the first reason): delta points without a
// DeltaToCumulative, delta points out of order or over its series limit, points without a time,
// metrics whose name sanitizes to nothing, histograms whose bounds do not ascend or number over
// MAX_EXPLICIT_BOUNDS, exponential histograms with an impossible scale.
import type { AttributeValue, Attributes } from '../model';
import type { DeltaToCumulative } from './delta-to-cumulative';
import { labelsKey } from './labels-key';
import {
  NO_RECORDED_VALUE,
  Temporality,
  type ExponentialHistogramPoint,
  type HistogramPoint,
  type OtlpMetric,
  type OtlpMetricsRequest,
  type PointBase,
} from './otlp-metrics';
import { staleNaN, type Labels, type MetricBatch, type MetricMetadata, type MetricType, type SeriesSamples } from './types';

export interface TranslateOptions {
  /** Needed to accept delta-temporality sums and histograms; one per pipeline, shared by requests. */
  deltas?: DeltaToCumulative;
}

export const MAX_CLASSIC_BUCKETS = 160;

const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNIT_WORDS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

type NameKind = 'gauge' | 'counter' | 'other';

/** The Prometheus metric name for an OTLP metric name and unit (see the file comment). */
export function prometheusMetricName(name: string, unit: string, kind: NameKind): string {
  let tokens = name.split(/[^A-Za-z0-9:]+/).filter((w) => w !== '');
  const [mainUnit, perUnit] = unitSuffixes(unit);
  // As otlptranslator's addUnitTokens: a unit word the name already has is not repeated.
  let main = cleanUpUnit(mainUnit);
  let per = cleanUpUnit(perUnit);
  if (tokens.includes(main)) main = '';
  if (per === 'per_') per = '';
  else {
    per = per.replace(/_$/, '');
    if (tokens.includes(per)) per = '';
  }
  if (per !== '') main = main.replace(/_$/, '');
  if (main !== '') tokens.push(main);
  if (per !== '') tokens.push(per);
  if (kind === 'counter') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  if (kind === 'gauge' && unit === '1') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  const joined = tokens.join('_');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** The unit as words: main (`s` → `seconds`) and per (`/s` → `per_second`); `{…}` parts add nothing. */
function unitSuffixes(unit: string): [string, string] {
  const slash = unit.indexOf('/');
  const mainOtel = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const perOtel = slash < 0 ? '' : unit.slice(slash + 1).trim();
  const main = mainOtel !== '' && !/[{}]/.test(mainOtel) ? (Object.hasOwn(UNIT_WORDS, mainOtel) ? UNIT_WORDS[mainOtel]! : mainOtel) : '';
  const perWord = perOtel !== '' && !/[{}]/.test(perOtel) ? (Object.hasOwn(PER_UNIT_WORDS, perOtel) ? PER_UNIT_WORDS[perOtel]! : perOtel) : '';
  return [main, perWord === '' ? '' : `per_${perWord}`];
}

function cleanUpUnit(unit: string): string {
  return unit.replace(/[^A-Za-z0-9:]/g, '_').replace(/_+/g, '_').replace(/^_/, '');
}

const labelNames = new Map<string, string>();
const LABEL_NAME_CACHE_SIZE = 10_000;

/** The Prometheus label name for an attribute key (memoized: keys repeat on every point). */
export function prometheusLabelName(key: string): string {
  let name = labelNames.get(key);
  if (name === undefined) {
    name = sanitizeLabelName(key);
    if (labelNames.size >= LABEL_NAME_CACHE_SIZE) labelNames.clear();
    labelNames.set(key, name);
  }
  return name;
}

/**
 * As otlptranslator's LabelNamer (legacy name scheme, underscore sanitization on): every run of
 * characters outside [A-Za-z0-9] — underscores included — becomes one `_`, except that a
 * reserved `__name__`-style key keeps its double underscores; then `key_` before a leading digit
 * and `key` before a single leading `_`.
 */
function sanitizeLabelName(key: string): string {
  if (key === '') return key;
  const reserved = key.length >= 4 && key.startsWith('__') && key.endsWith('__');
  const inner = (reserved ? key.slice(2, -2) : key).replace(/[^A-Za-z0-9]+/g, '_');
  const label = reserved ? `__${inner}__` : inner;
  if (/^[0-9]/.test(label)) return `key_${label}`;
  if (label.startsWith('_') && !label.startsWith('__')) return `key${label}`;
  return label;
}

/** An attribute value as label text: strings as is, numbers and booleans as text, the rest as JSON. */
export function attributeText(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A float as Go's strconv.FormatFloat(f, 'f', -1, 64) writes it: shortest digits, no exponent. */
export function formatFloat(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  const text = String(Math.abs(value));
  const e = text.indexOf('e');
  if (e < 0) return String(value);
  const mantissa = text.slice(0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const integerDigits = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (integerDigits <= 0) out = `0.${'0'.repeat(-integerDigits)}${digits}`;
  else if (integerDigits >= digits.length) out = digits + '0'.repeat(integerDigits - digits.length);
  else out = `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  const negative = value < 0;
  return negative ? `-${out}` : out;
}

class BatchBuilder {
  private readonly series = new Map<string, SeriesSamples>();
  private readonly metadata = new Map<string, MetricMetadata>();
  sampleCount = 0;
  rejected = 0;
  rejectionMessage = '';

  add(labels: Labels, t: number, v: number): void {
    const key = labelsKey(labels);
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels, samples: [] };
      this.series.set(key, series);
    }
    series.samples.push({ t, v });
    this.sampleCount++;
  }

  reject(count: number, message: string): void {
    this.rejected += count;
    this.rejectionMessage ||= message;
  }

  describe(metric: string, type: MetricType, help: string, unit: string): void {
    if (!this.metadata.has(metric)) this.metadata.set(metric, { metric, type, help, unit });
  }

  build(): MetricBatch {
    const series = [...this.series.values()];
    for (const s of series) {
      if (s.samples.length < 2) continue;
      // Points may arrive in any order; keep the last value written for a repeated time.
      s.samples.sort((a, b) => a.t - b.t);
      s.samples = s.samples.filter((sample, i) => i === s.samples.length - 1 || s.samples[i + 1]!.t !== sample.t);
    }
    this.sampleCount = series.reduce((n, s) => n + s.samples.length, 0);
    return { series, metadata: [...this.metadata.values()], sampleCount: this.sampleCount, rejectedSamples: this.rejected, rejectionMessage: this.rejectionMessage };
  }
}

const IDENTIFYING = new Set(['service.name', 'service.namespace', 'service.instance.id']);

export function otlpToPrometheus(request: OtlpMetricsRequest, options: TranslateOptions = {}): MetricBatch {
  const out = new BatchBuilder();
  for (const rm of request.resourceMetrics) {
    const resourceAttributes = rm.resource.attributes;
    const identity: Record<string, string> = {};
    const serviceName = attributeText(resourceAttributes['service.name'] ?? null);
    const serviceNamespace = attributeText(resourceAttributes['service.namespace'] ?? null);
    const instance = attributeText(resourceAttributes['service.instance.id'] ?? null);
    if (serviceName !== '') identity.job = serviceNamespace !== '' ? `${serviceNamespace}/${serviceName}` : serviceName;
    if (instance !== '') identity.instance = instance;
    let newestMs: number | undefined;
    for (const sm of rm.scopeMetrics) {
      const scopeLabels: Record<string, string> = {};
      if (sm.scope.name !== '') scopeLabels.otel_scope_name = sm.scope.name;
      if (sm.scope.version !== '') scopeLabels.otel_scope_version = sm.scope.version;
      for (const metric of sm.metrics) {
        const t = translateMetric(metric, { ...scopeLabels, ...identity }, out, options);
        if (t !== undefined && (newestMs === undefined || t > newestMs)) newestMs = t;
      }
    }
    if (newestMs === undefined) continue;
    const info: Record<string, string> = {};
    let any = false;
    for (const key of Object.keys(resourceAttributes).sort()) {
      if (IDENTIFYING.has(key)) continue;
      any = true;
      addLabel(info, prometheusLabelName(key), attributeText(resourceAttributes[key]!));
    }
    if (!any) continue;
    out.describe('target_info', 'gauge', 'Target metadata', '');
    out.add(finish({ ...info, ...identity, __name__: 'target_info' }), newestMs, 1);
  }
  return out.build();
}

/** Adds a label; a name several attributes sanitize to gets their values joined with `;`. */
function addLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name === '') return;
  const existing = Object.hasOwn(labels, name) ? labels[name] : undefined;
  const joined = existing === undefined ? value : `${existing};${value}`;
  // `__proto__` is a legal label name; a plain assignment would set the prototype instead.
  if (name === '__proto__') Object.defineProperty(labels, name, { value: joined, enumerable: true, writable: true, configurable: true });
  else labels[name] = joined;
}

/** Drops empty-valued labels (Prometheus treats "" as absent). */
function finish(labels: Record<string, string>): Labels {
  for (const name of Object.keys(labels)) if (labels[name] === '') delete labels[name];
  return labels;
}

function pointLabels(point: PointBase, base: Record<string, string>, name: string, extra?: [string, string]): Record<string, string> {
  const labels: Record<string, string> = {};
  const attributes: Attributes = point.attributes;
  for (const key of Object.keys(attributes).sort()) addLabel(labels, prometheusLabelName(key), attributeText(attributes[key]!));
  for (const key in base) addLabel(replace(labels, key), key, base[key]!);
  replace(labels, '__name__').__name__ = name;
  if (extra !== undefined) addLabel(replace(labels, extra[0]), extra[0], extra[1]);
  return labels;
}

/** Removes `name` so that the next addLabel sets it rather than joining (scope/job/instance/le win). */
function replace(labels: Record<string, string>, name: string): Record<string, string> {
  delete labels[name];
  return labels;
}

function toMs(timeNs: bigint): number {
  return Number(timeNs / 1_000_000n);
}

function withName(labels: Record<string, string>, name: string): Labels {
  return finish({ ...labels, __name__: name });
}

/** Emits one metric's points; returns the newest point time (ms), if any point was kept. */
function translateMetric(metric: OtlpMetric, base: Record<string, string>, out: BatchBuilder, options: TranslateOptions): number | undefined {
  const data = metric.data;
  if (data.kind === 'none') return undefined;
  const kind: NameKind = data.kind === 'gauge' ? 'gauge' : data.kind === 'sum' && data.monotonic ? 'counter' : 'other';
  const name = prometheusMetricName(metric.name, metric.unit, kind);
  if (name === '') {
    out.reject(data.points.length, `metric name ${JSON.stringify(metric.name)} has no characters Prometheus can use`);
    return undefined;
  }
  const unit = cleanUpUnit(unitSuffixes(metric.unit)[0]);
  let newest: number | undefined;
  const seen = (t: number): void => {
    if (newest === undefined || t > newest) newest = t;
  };
  const timed = (point: PointBase): number | undefined => {
    if (point.timeNs !== 0n) return toMs(point.timeNs);
    out.reject(1, `a point of ${metric.name} has no time_unix_nano`);
    return undefined;
  };

  switch (data.kind) {
    case 'gauge':
    case 'sum': {
      const type: MetricType = data.kind === 'sum' && data.monotonic ? 'counter' : 'gauge';
      out.describe(name, type, metric.description, unit);
      const delta = data.kind === 'sum' && data.temporality === Temporality.DELTA;
      for (const point of data.points) {
        const t = timed(point);
        if (t === undefined) continue;
        const labels = pointLabels(point, base, name);
        let value = point.value;
        if (point.flags & NO_RECORDED_VALUE) value = staleNaN();
        else if (delta) {
          const total = accumulate(options, out, metric.name, (deltas) => deltas.addSum(labelsKey(labels), point.timeNs, point.value));
          if (total === undefined) continue;
          value = total;
        }
        out.add(finish(labels), t, value);
        seen(t);
      }
      break;
    }
    case 'histogram':
    case 'exponentialHistogram': {
      out.describe(name, 'histogram', metric.description, unit);
      const delta = data.temporality === Temporality.DELTA;
      for (const point of data.points) {
        const t = timed(point);
        if (t === undefined) continue;
        const classic = data.kind === 'histogram' ? classicOf(point as HistogramPoint) : exponentialToClassic(point as ExponentialHistogramPoint);
        if (typeof classic === 'string') {
          out.reject(1, `${metric.name}: ${classic}`);
          continue;
        }
        const labels = pointLabels(point, base, name);
        let { count, sum, bucketCounts } = classic;
        if (!(point.flags & NO_RECORDED_VALUE) && delta) {
          const totals = accumulate(options, out, metric.name, (deltas) => deltas.addHistogram(labelsKey(labels), point.timeNs, classic.bounds, classic));
          if (totals === undefined) continue;
          ({ count, sum, bucketCounts } = totals);
        }
        emitHistogram(out, labels, name, t, { bounds: classic.bounds, count, sum, bucketCounts }, (point.flags & NO_RECORDED_VALUE) !== 0);
        seen(t);
      }
      break;
    }
    case 'summary': {
      out.describe(name, 'summary', metric.description, unit);
      for (const point of data.points) {
        const t = timed(point);
        if (t === undefined) continue;
        const stale = (point.flags & NO_RECORDED_VALUE) !== 0;
        const v = (x: number): number => (stale ? staleNaN() : x);
        for (const q of point.quantiles) out.add(finish(pointLabels(point, base, name, ['quantile', formatFloat(q.quantile)])), t, v(q.value));
        const labels = pointLabels(point, base, name);
        out.add(withName(labels, `${name}_sum`), t, v(point.sum));
        out.add(withName(labels, `${name}_count`), t, v(point.count));
        seen(t);
      }
      break;
    }
  }
  return newest;
}

function accumulate<T>(options: TranslateOptions, out: BatchBuilder, metric: string, add: (deltas: DeltaToCumulative) => T | undefined): T | undefined {
  if (options.deltas === undefined) {
    out.reject(1, `${metric}: delta temporality is not accepted here (no delta-to-cumulative state)`);
    return undefined;
  }
  const result = add(options.deltas);
  if (result === undefined) out.reject(1, `${metric}: delta point out of order, duplicated, or over the series limit`);
  return result;
}

interface Classic {
  /** Finite upper bounds, ascending. */
  bounds: number[];
  /** Per-bucket counts, bounds.length + 1 of them (the last is the +Inf overflow). */
  bucketCounts: number[];
  count: number;
  sum: number | undefined;
}

/** More explicit buckets than this are refused (a classic histogram rarely has more than ~30). */
export const MAX_EXPLICIT_BOUNDS = 1000;

function classicOf(point: HistogramPoint): Classic | string {
  const bounds = point.explicitBounds;
  if (bounds.length > MAX_EXPLICIT_BOUNDS) return `histogram has ${bounds.length} buckets, more than ${MAX_EXPLICIT_BOUNDS}`;
  for (let i = 0; i < bounds.length; i++) {
    if (Number.isNaN(bounds[i]!) || (i > 0 && !(bounds[i]! > bounds[i - 1]!))) return 'histogram explicit_bounds must be strictly ascending numbers';
  }
  const bucketCounts = bounds.map((_, i) => point.bucketCounts[i] ?? 0);
  bucketCounts.push(point.bucketCounts[bounds.length] ?? 0);
  return { bounds, bucketCounts, count: point.count, sum: point.sum };
}

function emitHistogram(out: BatchBuilder, labels: Record<string, string>, name: string, t: number, h: Classic, stale: boolean): void {
  const v = (x: number): number => (stale ? staleNaN() : x);
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.bucketCounts[i]!;
    out.add(finish({ ...labels, __name__: `${name}_bucket`, le: formatFloat(h.bounds[i]!) }), t, v(cumulative));
  }
  out.add(finish({ ...labels, __name__: `${name}_bucket`, le: '+Inf' }), t, v(h.count));
  if (h.sum !== undefined) out.add(withName(labels, `${name}_sum`), t, v(h.sum));
  out.add(withName(labels, `${name}_count`), t, v(h.count));
}

/** See the file comment; returns a reason string when the point cannot be converted. */
export function exponentialToClassic(point: ExponentialHistogramPoint): Classic | string {
  let { scale } = point;
  if (!Number.isInteger(scale) || scale < -10 || scale > 20) return `exponential histogram scale ${scale} is outside [-10, 20]`;
  let positive = point.positive;
  let negative = point.negative;
  while (positive.bucketCounts.length + negative.bucketCounts.length > MAX_CLASSIC_BUCKETS && scale > -10) {
    positive = downscale(positive);
    negative = downscale(negative);
    scale--;
  }
  if (positive.bucketCounts.length + negative.bucketCounts.length > MAX_CLASSIC_BUCKETS) return 'exponential histogram has too many buckets';
  const upper = (index: number): number => 2 ** (index * 2 ** -scale);
  const bounds: number[] = [];
  const bucketCounts: number[] = [];
  const push = (bound: number, count: number): void => {
    if (bounds.length > 0 && bound <= bounds[bounds.length - 1]!) bucketCounts[bucketCounts.length - 1]! += count;
    else {
      bounds.push(bound);
      bucketCounts.push(count);
    }
  };
  // Negative bucket i holds (-base^(i+1), -base^i]: most negative (highest index) first.
  for (let k = negative.bucketCounts.length - 1; k >= 0; k--) push(-upper(negative.offset + k), negative.bucketCounts[k]!);
  push(point.zeroThreshold, point.zeroCount);
  // Positive bucket i holds (base^i, base^(i+1)].
  for (let k = 0; k < positive.bucketCounts.length; k++) push(upper(positive.offset + k + 1), positive.bucketCounts[k]!);
  const inBuckets = bucketCounts.reduce((a, b) => a + b, 0);
  bucketCounts.push(Math.max(0, point.count - inBuckets));
  return { bounds, bucketCounts, count: point.count, sum: point.sum };
}

function downscale(buckets: { offset: number; bucketCounts: number[] }): { offset: number; bucketCounts: number[] } {
  if (buckets.bucketCounts.length === 0) return buckets;
  const offset = Math.floor(buckets.offset / 2);
  const counts: number[] = [];
  for (let k = 0; k < buckets.bucketCounts.length; k++) {
    const index = Math.floor((buckets.offset + k) / 2) - offset;
    counts[index] = (counts[index] ?? 0) + buckets.bucketCounts[k]!;
  }
  return { offset, bucketCounts: Array.from(counts, (c) => c ?? 0) };
}
