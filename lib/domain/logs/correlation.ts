// Correlation: which trace, span and application request a log record belongs to.
//
// Trace and span ids come from the OTLP fields when set, else from the keys loggers commonly write
// (`trace_id`, `traceId`, `trace.id`, Datadog's decimal `dd.trace_id`, …). A correlation id is the
// application's own request id (assigned at the edge, forwarded in a header) from configurable keys.
// The span side: a correlation id found on a span's attributes (e.g. the captured request header)
// teaches the store which traces carry that id, so a log that knows only the correlation id still
// links to its trace. Pure functions; the keys are passed in (configuration), never read here.
import type { AttributeValue, Attributes } from '../model';
import type { LogRecord } from './model';
import { cleanText } from './text';

export const DEFAULT_LOG_CORRELATION_KEYS: readonly string[] = [
  'correlation_id',
  'correlationId',
  'x-correlation-id',
  'x-request-id',
  'request_id',
  'requestId',
];

/** Span attributes that carry the same id, as HTTP semantic conventions and apps record it. */
export const DEFAULT_SPAN_CORRELATION_KEYS: readonly string[] = [
  'http.request.header.x-correlation-id',
  'correlation.id',
  'app.correlation_id',
  'correlation_id',
];

export const TRACE_ID_KEYS: readonly string[] = ['trace_id', 'traceId', 'trace.id', 'traceid', 'otel.trace_id', 'dd.trace_id'];
export const SPAN_ID_KEYS: readonly string[] = ['span_id', 'spanId', 'span.id', 'spanid', 'otel.span_id', 'dd.span_id'];

/** Correlation ids are echoed in URLs and indexes; anything longer is not an id. */
export const MAX_CORRELATION_ID_LENGTH = 256;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
const HEX = /^[0-9a-fA-F]+$/;
const DECIMAL = /^\d{1,20}$/;

/**
 * A trace id in Meshlight's form (32 lowercase hex) from what a logger wrote: 32 hex digits; 16
 * hex digits (a 64-bit id, as Jaeger and Zipkin wrote them) left-padded; a decimal 64-bit integer
 * (Datadog's `dd.trace_id`) converted. '' when the value is no usable id.
 */
export function normalizeTraceId(value: AttributeValue | undefined, decimal = false): string {
  return normalizeId(value, 32, decimal, ZERO_TRACE_ID);
}

export function normalizeSpanId(value: AttributeValue | undefined, decimal = false): string {
  return normalizeId(value, 16, decimal, ZERO_SPAN_ID);
}

function normalizeId(value: AttributeValue | undefined, width: number, decimal: boolean, zero: string): string {
  let hex = '';
  if (typeof value === 'number') {
    if (!decimal || !Number.isSafeInteger(value) || value <= 0) return '';
    hex = value.toString(16);
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (decimal && DECIMAL.test(text)) {
      const n = BigInt(text);
      if (n === 0n || n >= 1n << 128n) return '';
      hex = n.toString(16);
    } else if (HEX.test(text) && (text.length === width || text.length === width / 2)) {
      hex = text.toLowerCase();
    } else {
      return '';
    }
  } else {
    return '';
  }
  if (hex.length > width) return '';
  const id = hex.padStart(width, '0');
  return id === zero ? '' : id;
}

/** A correlation id from a value: a non-empty string or integer; a one-element header array. */
export function correlationValue(value: AttributeValue | undefined): string {
  if (Array.isArray(value)) return value.length > 0 ? correlationValue(value[0]) : '';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string') return '';
  const text = cleanText(value.trim());
  return text.length > 0 && text.length <= MAX_CORRELATION_ID_LENGTH ? text : '';
}

const dottedKeys = new Map<string, readonly string[] | undefined>();

/** A key's parts split at '.' (undefined without a dot), split once per key: lookups run per record. */
function dottedKeyParts(key: string): readonly string[] | undefined {
  let parts = dottedKeys.get(key);
  if (parts === undefined && !dottedKeys.has(key)) {
    parts = key.includes('.') ? key.split('.') : undefined;
    if (dottedKeys.size < 1024) dottedKeys.set(key, parts);
  }
  return parts;
}

/** Looks a key up in flat attributes, then as a dotted path into nested objects (`trace.id`). */
export function lookupKey(fields: Attributes, key: string): AttributeValue | undefined {
  if (Object.hasOwn(fields, key)) return fields[key];
  return lookupParts(fields, dottedKeyParts(key));
}

function lookupParts(fields: Attributes, parts: readonly string[] | undefined): AttributeValue | undefined {
  // Most records have no nested object under the first part: one probe, no walk.
  if (parts === undefined || !Object.hasOwn(fields, parts[0]!)) return undefined;
  let current: AttributeValue | undefined = fields;
  for (const part of parts) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, part)) return undefined;
    current = (current as Attributes)[part];
  }
  return current;
}

/** A key list with each key's dotted parts and id form, prepared once per list (they are constants and configuration). */
interface PreparedKey {
  key: string;
  parts: readonly string[] | undefined;
  /** Datadog's `dd.*` ids are decimal. */
  decimal: boolean;
}

const preparedLists = new WeakMap<readonly string[], readonly PreparedKey[]>();

function prepared(keys: readonly string[]): readonly PreparedKey[] {
  let list = preparedLists.get(keys);
  if (list === undefined) {
    list = keys.map((key) => ({ key, parts: key.includes('.') ? key.split('.') : undefined, decimal: key.startsWith('dd.') }));
    preparedLists.set(keys, list);
  }
  return list;
}

function lookupPrepared(fields: Attributes, key: PreparedKey): AttributeValue | undefined {
  return Object.hasOwn(fields, key.key) ? fields[key.key] : lookupParts(fields, key.parts);
}

export interface CorrelationOptions {
  /** Keys holding a correlation id, first match wins; default DEFAULT_LOG_CORRELATION_KEYS. */
  correlationKeys?: readonly string[];
}

/**
 * Fills a record's missing trace id, span id and correlation id from `fields` (its attributes,
 * and for a structured or JSON body the body's fields). Ids already set by OTLP are kept.
 */
export function extractCorrelation(record: LogRecord, fields: Attributes, options: CorrelationOptions = {}): void {
  if (record.traceId === '') {
    for (const key of prepared(TRACE_ID_KEYS)) {
      const id = normalizeTraceId(lookupPrepared(fields, key), key.decimal);
      if (id !== '') {
        record.traceId = id;
        break;
      }
    }
  }
  if (record.spanId === '') {
    for (const key of prepared(SPAN_ID_KEYS)) {
      const id = normalizeSpanId(lookupPrepared(fields, key), key.decimal);
      if (id !== '') {
        record.spanId = id;
        break;
      }
    }
  }
  if (record.correlationId === '') {
    record.correlationId = correlationIdIn(fields, options.correlationKeys ?? DEFAULT_LOG_CORRELATION_KEYS);
  }
}

/**
 * The first correlation id found under `keys`, or ''. `nested` also follows dotted keys into
 * nested objects (JSON log lines); span attributes are flat, and the ingest path skips that walk.
 */
export function correlationIdIn(fields: Attributes, keys: readonly string[], nested = true): string {
  for (const key of prepared(keys)) {
    const id = correlationValue(nested ? lookupPrepared(fields, key) : Object.hasOwn(fields, key.key) ? fields[key.key] : undefined);
    if (id !== '') return id;
  }
  return '';
}

/** One learned fact: this correlation id was seen on this trace (from a span of `serviceName`). */
export interface CorrelationLink {
  correlationId: string;
  traceId: string;
  serviceName: string;
  /** Earliest span start seen for the pair in this batch. */
  firstSeenNs: bigint;
}

export interface SpanLike {
  traceId: string;
  startNs: bigint;
  attributes: Attributes;
}

/**
 * The correlation links a batch of spans teaches: one per (correlation id, trace id), from span
 * attributes under `keys` (default DEFAULT_SPAN_CORRELATION_KEYS). Works on the trace model's
 * ResourceSpans shape without importing it, so the span-side observer can call it as is.
 */
export function correlationLinksOfSpans(
  resources: ReadonlyArray<{ serviceName: string; scopeSpans: ReadonlyArray<{ spans: readonly SpanLike[] }> }>,
  keys: readonly string[] = DEFAULT_SPAN_CORRELATION_KEYS,
): CorrelationLink[] {
  const links = new Map<string, CorrelationLink>();
  for (const rs of resources) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const correlationId = correlationIdIn(span.attributes, keys, false);
        if (correlationId === '') continue;
        const key = `${correlationId}\u0000${span.traceId}`;
        const known = links.get(key);
        if (known) {
          if (span.startNs < known.firstSeenNs) known.firstSeenNs = span.startNs;
        } else {
          links.set(key, { correlationId, traceId: span.traceId, serviceName: rs.serviceName, firstSeenNs: span.startNs });
        }
      }
    }
  }
  return [...links.values()];
}

/**
 * Links logs teach too: a record carrying both a trace id and a correlation id says the two belong
 * together, which helps when no span recorded the header.
 */
export function correlationLinksOfLogs(
  resources: ReadonlyArray<{ serviceName: string; scopeLogs: ReadonlyArray<{ records: readonly LogRecord[] }> }>,
): CorrelationLink[] {
  const links = new Map<string, CorrelationLink>();
  for (const rl of resources) {
    for (const sl of rl.scopeLogs) {
      for (const record of sl.records) {
        if (record.correlationId === '' || record.traceId === '') continue;
        const key = `${record.correlationId}\u0000${record.traceId}`;
        const time = record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
        const known = links.get(key);
        if (known) {
          if (time < known.firstSeenNs) known.firstSeenNs = time;
        } else {
          links.set(key, { correlationId: record.correlationId, traceId: record.traceId, serviceName: rl.serviceName, firstSeenNs: time });
        }
      }
    }
  }
  return [...links.values()];
}
