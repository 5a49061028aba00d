// One JSON log line, as the common Node and structured loggers write it, turned into a LogRecord:
//   pino    {"level":30,"time":1700000000000,"pid":1,"hostname":"h","msg":"…","req":{…}}
//   bunyan  {"name":"app","hostname":"h","pid":1,"level":30,"msg":"…","time":"2012-02-24T05:24:57.467Z","v":0}
//   winston {"level":"info","message":"…","timestamp":"2024-05-01T10:00:00.000Z", …}
// plus the usual aliases (`@timestamp`, `ts`, `severity`, `log.level`). The fields used for time,
// level and message are consumed; every other field becomes an attribute, nested objects flattened
// to dotted keys (`req.method`), arrays kept whole. Correlation ids are then extracted from them.
import type { AttributeValue, Attributes, Nanos } from '../model';
import { extractCorrelation, type CorrelationOptions } from './correlation';
import { emptyLogRecord, type LogRecord } from './model';
import { severityOfLevel } from './severity';
import { cleanText } from './text';

const TIME_KEYS = ['time', 'timestamp', '@timestamp', 'ts', 'date', 'datetime'] as const;
const LEVEL_KEYS = ['level', 'severity', 'log.level', 'levelname', 'lvl', 'loglevel'] as const;
const MESSAGE_KEYS = ['msg', 'message', 'log', 'text'] as const;
const SERVICE_KEYS = ['service.name', 'service', 'service_name'] as const;

/** Objects nested deeper than this are kept as one JSON-text attribute instead of being flattened. */
const MAX_FLATTEN_DEPTH = 8;

export interface JsonLogOptions extends CorrelationOptions {
  /** The receive time, used as observed time (and as time when the line has none). */
  receivedNs: Nanos;
}

export interface JsonLogResult {
  record: LogRecord;
  /** The service the line names (`service.name`, `service`), or '' . */
  service: string;
}

export function logRecordFromJson(object: Record<string, unknown>, rawLine: string, options: JsonLogOptions): JsonLogResult {
  const record = emptyLogRecord();
  record.observedTimeUnixNano = options.receivedNs;
  const consumed = new Set<string>();

  for (const key of TIME_KEYS) {
    const ns = parseTimestampNs(object[key]);
    if (ns !== undefined) {
      record.timeUnixNano = ns;
      consumed.add(key);
      break;
    }
  }
  for (const key of LEVEL_KEYS) {
    const severity = severityOfLevel(object[key]);
    if (severity) {
      record.severityNumber = severity.number;
      record.severityText = severity.text;
      consumed.add(key);
      break;
    }
  }
  let message: string | undefined;
  for (const key of MESSAGE_KEYS) {
    const value = object[key];
    if (typeof value === 'string') {
      message = value;
      consumed.add(key);
      break;
    }
  }
  record.body = cleanText(message ?? rawLine);

  const attributes: Attributes = {};
  for (const key in object) {
    if (consumed.has(key)) continue;
    flattenInto(attributes, cleanText(key), object[key], 1);
  }
  record.attributes = attributes;
  extractCorrelation(record, attributes, options);

  let service = '';
  for (const key of SERVICE_KEYS) {
    const value = attributes[key];
    if (typeof value === 'string' && value.trim() !== '') {
      service = value.trim();
      break;
    }
  }
  return { record, service };
}

function flattenInto(target: Attributes, key: string, value: unknown, depth: number): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (depth >= MAX_FLATTEN_DEPTH) {
      setOwn(target, key, cleanText(JSON.stringify(value)));
      return;
    }
    if (entries.length === 0) {
      setOwn(target, key, {});
      return;
    }
    for (const [inner, innerValue] of entries) flattenInto(target, `${key}.${cleanText(inner)}`, innerValue, depth + 1);
    return;
  }
  setOwn(target, key, toAttributeValue(value, 0));
}

function toAttributeValue(value: unknown, depth: number): AttributeValue {
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null) return value;
  if (depth > MAX_FLATTEN_DEPTH) return cleanText(JSON.stringify(value) ?? '');
  if (Array.isArray(value)) return value.map((item) => toAttributeValue(item, depth + 1));
  if (typeof value === 'object') {
    const out: Attributes = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) setOwn(out, cleanText(k), toAttributeValue(v, depth + 1));
    return out;
  }
  return null;
}

function setOwn(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\d*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A timestamp in any of the forms loggers write, as Unix nanoseconds; undefined if unreadable.
 * Numbers are read by magnitude: seconds (zap's float `ts`), milliseconds (pino, Date.now()),
 * microseconds or nanoseconds. Strings: those numbers as text, or RFC 3339 / ISO 8601 with up to
 * nanosecond fractions (a missing zone is UTC).
 */
export function parseTimestampNs(value: unknown): Nanos | undefined {
  if (typeof value === 'number') return numberToNs(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d{1,20}$/.test(text)) {
    if (text.length >= 18) return BigInt(text); // already nanoseconds: keep every digit
    return numberToNs(Number(text));
  }
  if (/^\d+\.\d+$/.test(text)) return numberToNs(Number(text));
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const wholeMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (!Number.isFinite(wholeMs)) return undefined;
  let offsetMs = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const ns = BigInt(wholeMs - offsetMs) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
  return ns > 0n ? ns : undefined;
}

function numberToNs(n: number): Nanos | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n >= 1e17) return BigInt(Math.round(n)); // ns
  if (n >= 1e14) return BigInt(Math.round(n)) * 1_000n; // µs
  if (n >= 1e11) return BigInt(Math.round(n * 1_000)) * 1_000n; // ms (keeps µs fractions)
  return BigInt(Math.round(n * 1e6)) * 1_000n; // s
}
