// Pieces both exposition parsers share: the parsed-sample shape, the line-numbered error, metric
// and label name scanning, quoted label values with their escapes, and number grammars.
// Text format 0.0.4: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
// OpenMetrics 1.0: https://github.com/prometheus/OpenMetrics/blob/v1.0.0/specification/OpenMetrics.md
import type { MetricMetadata } from '../types';

/** A label set while it is being built: `__name__` plus the sample's labels, insertion-ordered. */
export type MutableLabels = Record<string, string>;

export interface Exemplar {
  labels: MutableLabels;
  value: number;
  /** Milliseconds, when the exemplar carried a timestamp. */
  timestampMs?: number;
}

export interface ExpositionSample {
  /** `__name__` first, then the labels as written. Unique names (duplicates are refused). */
  labels: MutableLabels;
  value: number;
  /** Unix milliseconds: the exposition's own timestamp, or else the scrape time. */
  t: number;
  /** Whether `t` came from the exposition (Prometheus's honor_timestamps, and no staleness tracking). */
  explicitTimestamp: boolean;
  exemplar?: Exemplar;
}

export type ExpositionFormat = 'openmetrics-1.0' | 'prometheus-text-0.0.4';

export interface ParsedExposition {
  format: ExpositionFormat;
  samples: ExpositionSample[];
  /** One entry per family that declared HELP, TYPE or UNIT. */
  metadata: MetricMetadata[];
}

/** Malformed exposition. `line` is 1-based; the message starts with it (the target's lastError). */
export class ExpositionParseError extends Error {
  override readonly name = 'ExpositionParseError';
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
  }
}

/** Thrown by the scanners below; the parser converts it into an ExpositionParseError with the line. */
export class LineError extends Error {}

export function fail(detail: string): never {
  throw new LineError(detail);
}

const METRIC_NAME_START = /[a-zA-Z_:]/;

function isNameChar(c: number, colonAllowed: boolean): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x30 && c <= 0x39) || (colonAllowed && c === 0x3a)
  );
}

/** Scans `[a-zA-Z_:][a-zA-Z0-9_:]*` at `pos`; returns its end (pos when there is none). */
export function scanMetricName(line: string, pos: number): number {
  if (pos >= line.length || !METRIC_NAME_START.test(line[pos]!)) return pos;
  let end = pos + 1;
  while (end < line.length && isNameChar(line.charCodeAt(end), true)) end++;
  return end;
}

/** Scans `[a-zA-Z_][a-zA-Z0-9_]*` at `pos`; returns its end (pos when there is none). */
export function scanLabelName(line: string, pos: number): number {
  const c = line.charCodeAt(pos);
  if (pos >= line.length || !isNameChar(c, false) || (c >= 0x30 && c <= 0x39)) return pos;
  let end = pos + 1;
  while (end < line.length && isNameChar(line.charCodeAt(end), false)) end++;
  return end;
}

export function isMetricName(name: string): boolean {
  return name.length > 0 && scanMetricName(name, 0) === name.length;
}

/**
 * Reads a double-quoted label value starting at the opening quote. `\\`, `\"` and `\n` are
 * escapes; a backslash before anything else is kept as written (both Prometheus's Go parser and
 * the OpenMetrics reference parser do this). Returns the value and the position after the quote.
 */
export function readQuoted(line: string, pos: number): { value: string; end: number } {
  if (line[pos] !== '"') fail(`expected '"' to open a label value at column ${pos + 1}`);
  let value = '';
  let chunkStart = pos + 1;
  for (let i = pos + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22) {
      value += line.slice(chunkStart, i);
      return { value, end: i + 1 };
    }
    if (c === 0x5c) {
      value += line.slice(chunkStart, i);
      const next = line[i + 1];
      if (next === undefined) break;
      value += next === 'n' ? '\n' : next === '\\' ? '\\' : next === '"' ? '"' : `\\${next}`;
      i++;
      chunkStart = i + 1;
    }
  }
  return fail('unterminated label value');
}

/** HELP text escapes: `\\` and `\n` (and in OpenMetrics also `\"`); anything else stays as written. */
export function unescapeHelp(text: string, quoteEscape: boolean): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next === 'n') out += '\n';
    else if (next === '\\') out += '\\';
    else if (next === '"' && quoteEscape) out += '"';
    else {
      out += c;
      continue;
    }
    i++;
  }
  return out;
}

/** Sets a label, refusing a repeated name. `__proto__` becomes an own property. */
export function setLabel(labels: MutableLabels, name: string, value: string): void {
  if (Object.prototype.hasOwnProperty.call(labels, name)) fail(`duplicate label name "${name}"`);
  if (name === '__proto__') {
    Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    labels[name] = value;
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * OpenMetrics `number`: a decimal real, `+Inf`/`-Inf`/`Inf` or `NaN` (exact case). Sample and
 * exemplar values are read with parseGoFloat instead, as Prometheus does: prom-client writes
 * `Nan` in OpenMetrics output and Prometheus accepts it; `le` and `quantile` label values stay
 * exact (the conformance corpus refuses `le="+INF"`).
 */
export function parseOpenMetricsNumber(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default:
      return undefined;
  }
}

/** OpenMetrics timestamps are decimal seconds (no Inf/NaN); returned in milliseconds. */
export function parseOpenMetricsTimestampMs(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  return Math.round(Number(text) * 1000);
}

const GO_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * A 0.0.4 sample value as Go's strconv.ParseFloat reads it: decimal, or inf/infinity/nan in any
 * case with an optional sign. (Go would also take hex floats like `0x1p-3`; no exporter writes
 * them, and we refuse them rather than carry a second float grammar.)
 */
export function parseGoFloat(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const special = GO_SPECIAL.exec(text);
  if (special === null) return undefined;
  if (special[2]!.toLowerCase() === 'nan') return NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

const INT64 = /^[+-]?\d{1,19}$/;

/** A 0.0.4 timestamp: an int64 of milliseconds. */
export function parseMillis(text: string): number | undefined {
  if (!INT64.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
