// Runs parsed LogQL over log lines already fetched for the query's time range: stream selection,
// the pipeline (line filters, json, logfmt, label filters, line_format), log results grouped into
// streams, and metric results (count_over_time, rate, bytes_over_time, bytes_rate, then sum/count/
// avg/min/max by/without) evaluated at each step as Loki does: a range [t - range, t) per step.
// Pure and clock-free; the store decides which lines to fetch (lib/db/loki-queries.ts).
import { LogQLError, type LabelMatcher, type LabelTest, type LineFilterOp, type LogExpr, type MetricExpr, type Stage } from './ast';
import { compileRegex, unsupported } from './parse';

export type Labels = Record<string, string>;

export interface LogLine {
  timeNs: bigint;
  line: string;
  /** Stream labels: service_name and the resource's attributes (see streamLabels()). */
  labels: Labels;
  /**
   * Set when the database counted the lines instead of returning them (metric queries whose pipeline
   * is only line filters, all applied in SQL): `count` lines of `bytes` bytes in all, at or before
   * `timeNs`, within one bucket that no step's window splits (see metricBucketNs). The pipeline is
   * not run again on them.
   */
  counted?: { count: number; bytes: number };
}

/** True when a metric query's lines can be counted by the database: only |= and != line filters. */
export function countableInDatabase(log: LogExpr): boolean {
  return log.stages.every((stage) => stage.kind === 'line' && (stage.op === '|=' || stage.op === '!='));
}

function gcd(a: bigint, b: bigint): bigint {
  while (b > 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * The bucket width lines may be counted in for steps of `stepNs` and a range of `rangeMs`, buckets
 * ending at (start - range) + k × width: every window (t - range, t] is then a whole number of
 * buckets, so counting a bucket's lines at its end changes no result.
 */
export function metricBucketNs(stepNs: bigint, rangeMs: number): bigint {
  return gcd(stepNs, BigInt(rangeMs) * 1_000_000n);
}

/** Loki label names are [a-zA-Z_][a-zA-Z0-9_]*; OTLP keys such as `service.name` become `service_name`. */
export function sanitizeLabelName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

/** A stored record's stream labels: its resource's attributes (stringified) and service_name. */
export function streamLabels(serviceName: string, resource: Record<string, unknown>): Labels {
  const labels: Labels = {};
  for (const [key, value] of Object.entries(resource)) {
    if (value === null || value === undefined) continue;
    labels[sanitizeLabelName(key)] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  labels.service_name = serviceName;
  return labels;
}

const regexCache = new Map<string, RegExp>();
function cachedRegex(source: string, anchored: boolean): RegExp {
  const key = `${anchored ? '^' : ''}${source}`;
  let re = regexCache.get(key);
  if (!re) {
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, (re = compileRegex(source, anchored)));
  }
  return re;
}

export function matches(matcher: LabelMatcher, labels: Labels): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return cachedRegex(matcher.value, true).test(value);
    case '!~':
      return !cachedRegex(matcher.value, true).test(value);
  }
}

export function selectorMatches(selector: readonly LabelMatcher[], labels: Labels): boolean {
  return selector.every((m) => matches(m, labels));
}

/** The line and labels after the pipeline, or undefined when a stage drops the line. */
export function runPipeline(stages: readonly Stage[], line: string, streamLabelSet: Labels): { line: string; labels: Labels } | undefined {
  let labels = streamLabelSet;
  let copied = false;
  const writable = () => {
    if (!copied) {
      labels = { ...labels };
      copied = true;
    }
    return labels;
  };
  for (const stage of stages) {
    switch (stage.kind) {
      case 'line':
        if (!lineFilterPasses(stage.op, stage.values, line)) return undefined;
        break;
      case 'json':
        extractJson(line, writable());
        break;
      case 'logfmt':
        extractLogfmt(line, writable());
        break;
      case 'labelFilter':
        if (!labelTestPasses(stage.test, labels)) return undefined;
        break;
      case 'lineFormat':
        line = formatLine(stage.template, labels, line);
        break;
    }
  }
  return { line, labels };
}

function lineFilterPasses(op: LineFilterOp, values: string[], line: string): boolean {
  switch (op) {
    case '|=':
      return values.some((v) => line.includes(v));
    case '!=':
      return !values.some((v) => line.includes(v));
    case '|~':
      return values.some((v) => cachedRegex(v, false).test(line));
    case '!~':
      return !values.some((v) => cachedRegex(v, false).test(line));
  }
}

function labelTestPasses(test: LabelTest, labels: Labels): boolean {
  switch (test.kind) {
    case 'and':
      return labelTestPasses(test.left, labels) && labelTestPasses(test.right, labels);
    case 'or':
      return labelTestPasses(test.left, labels) || labelTestPasses(test.right, labels);
    case 'match':
      return matches(test.matcher, labels);
    case 'number': {
      const raw = labels[test.name];
      const value = raw === undefined ? NaN : Number(raw);
      if (Number.isNaN(value)) return false;
      switch (test.op) {
        case '==':
          return value === test.value;
        case '!=':
          return value !== test.value;
        case '>':
          return value > test.value;
        case '>=':
          return value >= test.value;
        case '<':
          return value < test.value;
        case '<=':
          return value <= test.value;
      }
    }
  }
}

/** Sets an extracted label; a name taken by a stream label gets Loki's `_extracted` suffix. */
function setExtracted(labels: Labels, name: string, value: string, stream: ReadonlySet<string> | undefined): void {
  const clean = sanitizeLabelName(name);
  if (clean === '') return;
  labels[stream?.has(clean) ? `${clean}_extracted` : clean] = value;
}

function extractJson(line: string, labels: Labels): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    labels.__error__ = 'JSONParserErr';
    return;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    labels.__error__ = 'JSONParserErr';
    return;
  }
  const stream = new Set(Object.keys(labels));
  const walk = (prefix: string, value: unknown, depth: number) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < 16) {
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}_${key}` : key, inner, depth + 1);
    } else if (value !== null && !Array.isArray(value) && typeof value !== 'object') {
      setExtracted(labels, prefix, String(value), stream);
    }
  };
  walk('', parsed, 0);
}

function extractLogfmt(line: string, labels: Labels): void {
  const stream = new Set(Object.keys(labels));
  for (const match of line.matchAll(/([^\s="]+)=("(?:[^"\\]|\\.)*"|[^\s]*)/g)) {
    const raw = match[2]!;
    setExtracted(labels, match[1]!, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw, stream);
  }
}

/** line_format's Go template, for the common case: text with {{.label}} references. */
export function formatLine(template: string, labels: Labels, line: string): string {
  return template.replace(/\{\{-?\s*([^}]*?)\s*-?\}\}/g, (_whole, expr: string) => {
    if (expr === '__line__') return line;
    if (/^\.[A-Za-z_][A-Za-z0-9_]*$/.test(expr)) return labels[expr.slice(1)] ?? '';
    throw unsupported(`the line_format template expression {{${expr}}}`);
  });
}

export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

export interface StreamResult {
  stream: Labels;
  /** [ns as string, line], in the requested direction. */
  values: Array<[string, string]>;
}

/** Log query: lines passing selector and pipeline, up to `limit`, grouped into streams. */
export function evaluateLogs(expr: LogExpr, lines: readonly LogLine[], limit: number, direction: 'backward' | 'forward'): StreamResult[] {
  const sorted = [...lines].sort((a, b) => (a.timeNs === b.timeNs ? 0 : (a.timeNs < b.timeNs) === (direction === 'forward') ? -1 : 1));
  const streams = new Map<string, StreamResult>();
  let taken = 0;
  for (const entry of sorted) {
    if (taken >= limit) break;
    if (!selectorMatches(expr.selector, entry.labels)) continue;
    const out = runPipeline(expr.stages, entry.line, entry.labels);
    if (!out) continue;
    const key = labelsKey(out.labels);
    let stream = streams.get(key);
    if (!stream) streams.set(key, (stream = { stream: out.labels, values: [] }));
    stream.values.push([entry.timeNs.toString(), out.line]);
    taken++;
  }
  return [...streams.values()];
}

export interface SeriesResult {
  metric: Labels;
  /** [unix seconds, value as string] per step that has a value. */
  values: Array<[number, string]>;
}

/** The log selector and range a metric expression reads, for the fetch. */
export function logExprOf(expr: MetricExpr): { log: LogExpr; rangeMs: number } {
  return expr.kind === 'range' ? { log: expr.log, rangeMs: expr.rangeMs } : logExprOf(expr.inner);
}

/** Metric query over [startNs, endNs] every stepNs; lines must cover [startNs - range, endNs]. */
export function evaluateMetric(expr: MetricExpr, lines: readonly LogLine[], startNs: bigint, endNs: bigint, stepNs: bigint): SeriesResult[] {
  if (stepNs <= 0n) throw new LogQLError('step must be positive');
  const steps: bigint[] = [];
  for (let t = startNs; t <= endNs; t += stepNs) {
    steps.push(t);
    if (steps.length > 11_000) throw new LogQLError('exceeded maximum resolution of 11,000 points per time series; use a larger step');
  }
  const perStep = evaluateAt(expr, lines, steps);
  const series = new Map<string, SeriesResult>();
  perStep.forEach((vector, i) => {
    for (const sample of vector) {
      const key = labelsKey(sample.labels);
      let s = series.get(key);
      if (!s) series.set(key, (s = { metric: sample.labels, values: [] }));
      s.values.push([Number(steps[i]! / 1_000_000n) / 1000, formatValue(sample.value)]);
    }
  });
  return [...series.values()];
}

/** Shortest round-tripping decimal, as Go's strconv.FormatFloat(v, 'f', -1, 64) writes sample values. */
function formatValue(value: number): string {
  return String(value);
}

interface Sample {
  labels: Labels;
  value: number;
}

function evaluateAt(expr: MetricExpr, lines: readonly LogLine[], steps: readonly bigint[]): Sample[][] {
  if (expr.kind === 'range') return rangeAggregation(expr, lines, steps);
  const inner = evaluateAt(expr.inner, lines, steps);
  return inner.map((vector) => aggregate(expr.op, expr.grouping, vector));
}

function rangeAggregation(expr: MetricExpr & { kind: 'range' }, lines: readonly LogLine[], steps: readonly bigint[]): Sample[][] {
  const rangeNs = BigInt(expr.rangeMs) * 1_000_000n;
  const bySeries = new Map<string, { labels: Labels; times: bigint[]; counts: number[]; bytes: number[] }>();
  for (const entry of lines) {
    if (!selectorMatches(expr.log.selector, entry.labels)) continue;
    const out = entry.counted ? { line: '', labels: entry.labels } : runPipeline(expr.log.stages, entry.line, entry.labels);
    if (!out) continue;
    const key = labelsKey(out.labels);
    let s = bySeries.get(key);
    if (!s) bySeries.set(key, (s = { labels: out.labels, times: [], counts: [], bytes: [] }));
    s.times.push(entry.timeNs);
    s.counts.push(entry.counted?.count ?? 1);
    s.bytes.push(entry.counted ? entry.counted.bytes : Buffer.byteLength(out.line));
  }
  const result: Sample[][] = steps.map(() => []);
  const seconds = expr.rangeMs / 1000;
  for (const s of bySeries.values()) {
    const order = s.times.map((_, i) => i).sort((a, b) => (s.times[a]! < s.times[b]! ? -1 : s.times[a]! > s.times[b]! ? 1 : 0));
    let lo = 0;
    let hi = 0;
    let count = 0;
    let bytes = 0;
    steps.forEach((t, i) => {
      // Window (t - range, t]: add lines up to t, drop lines at or before t - range.
      while (hi < order.length && s.times[order[hi]!]! <= t) {
        count += s.counts[order[hi]!]!;
        bytes += s.bytes[order[hi]!]!;
        hi++;
      }
      while (lo < hi && s.times[order[lo]!]! <= t - rangeNs) {
        count -= s.counts[order[lo]!]!;
        bytes -= s.bytes[order[lo]!]!;
        lo++;
      }
      if (count === 0) return;
      const value = expr.op === 'count_over_time' ? count : expr.op === 'rate' ? count / seconds : expr.op === 'bytes_over_time' ? bytes : bytes / seconds;
      result[i]!.push({ labels: s.labels, value });
    });
  }
  return result;
}

function aggregate(op: string, grouping: { without: boolean; labels: string[] } | undefined, vector: readonly Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; values: number[] }>();
  for (const sample of vector) {
    const labels: Labels = {};
    if (grouping && !grouping.without) {
      for (const name of grouping.labels) if (sample.labels[name] !== undefined) labels[name] = sample.labels[name]!;
    } else if (grouping?.without) {
      for (const [name, value] of Object.entries(sample.labels)) if (!grouping.labels.includes(name)) labels[name] = value;
    }
    const key = labelsKey(labels);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels, values: [] }));
    group.values.push(sample.value);
  }
  return [...groups.values()].map(({ labels, values }) => {
    let value: number;
    switch (op) {
      case 'sum':
        value = values.reduce((a, b) => a + b, 0);
        break;
      case 'count':
        value = values.length;
        break;
      case 'avg':
        value = values.reduce((a, b) => a + b, 0) / values.length;
        break;
      case 'min':
        value = Math.min(...values);
        break;
      default:
        value = Math.max(...values);
    }
    return { labels, value };
  });
}
