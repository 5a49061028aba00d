// Strict readers for the scalar values of OTLP/JSON, i.e. the proto3 JSON mapping
// (https://protobuf.dev/programming-guides/json/) with OTLP's deviations
// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
//   - 64-bit integers arrive as decimal strings, and numbers are accepted too;
//   - trace and span ids are case-insensitive hex, not base64;
//   - enums are integers; names are also accepted (OTLP forbids senders to use them, proto3 JSON
//     parsers accept them, and being lenient here costs nothing).
// This is the JSON boundary: values come in as `unknown` and leave narrowed, or the reader throws
// MalformedPayloadError with a detail the caller prefixes with the field's path.
import { Buffer } from 'node:buffer';
import { cleanText } from './clean-text';
import { MalformedPayloadError } from './malformed';

export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectObject(value: unknown, what: string): JsonObject {
  if (!isJsonObject(value)) throw mismatch(`${what} object`, value);
  return value;
}

export function expectArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw mismatch('an array', value);
  return value;
}

/** A string field; NUL and unpaired surrogates are cleaned (and counted, see clean-text.ts). */
export function jsonString(value: unknown): string {
  if (typeof value !== 'string') throw mismatch('a string', value);
  return cleanText(value);
}

export function jsonBool(value: unknown): boolean {
  if (typeof value !== 'boolean') throw mismatch('true or false', value);
  return value;
}

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const TWO_POW_63 = 2 ** 63;

/** uint32 and fixed32 fields (counts, flags): a number or, per proto3 JSON, a decimal string. */
export function jsonUint32(value: unknown): number {
  const n = typeof value === 'string' && isDecimal(value, false) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > UINT32_MAX) {
    throw mismatch('an unsigned 32-bit integer', value);
  }
  return n + 0; // -0 → 0
}

/**
 * fixed64 timestamps. A decimal string is converted exactly (never through a double); a JSON
 * number has already been rounded by JSON.parse if it exceeded 2^53, which is why OTLP senders
 * use strings, but the spec says numbers must be accepted too.
 */
export function jsonUint64(value: unknown): bigint {
  if (typeof value === 'string') {
    // The length cap only bounds BigInt's work on hostile input; leading zeros are allowed.
    if (isDecimal(value, false) && value.length <= 64) {
      const n = BigInt(value);
      if (n <= UINT64_MAX) return n;
    }
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 64) {
    return BigInt(value);
  }
  throw mismatch('an unsigned 64-bit integer (a decimal string or number)', value);
}

/**
 * A fixed64 timestamp read for range checking by the caller: any non-negative integer (a decimal
 * string of up to 64 digits, or a number, even one JSON.parse rounded past 2^64) is returned, so
 * that a timestamp PostgreSQL cannot store rejects its span alone instead of the whole request.
 */
export function jsonTimestamp(value: unknown): bigint {
  if (typeof value === 'string') {
    if (isDecimal(value, false) && value.length <= 64) return BigInt(value);
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return BigInt(value);
  }
  throw mismatch('an unsigned 64-bit integer (a decimal string or number)', value);
}

/** AnyValue.int_value: a number when it is a safe integer, else its canonical decimal string. */
export function jsonInt64Attribute(value: unknown): number | string {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value + 0; // -0 → 0, as int64 has no -0
    if (Number.isInteger(value) && value >= -TWO_POW_63 && value < TWO_POW_63) return BigInt(value).toString();
  } else if (typeof value === 'string' && isDecimal(value, true)) {
    // Up to 15 digits always fits a double exactly; longer needs the exact path.
    if (value.length <= 15) return Number(value) + 0;
    if (value.length > 64) throw mismatch('a signed 64-bit integer (a decimal string or number)', value);
    const n = BigInt(value);
    if (n >= INT64_MIN && n <= INT64_MAX) {
      const asNumber = Number(n);
      return Number.isSafeInteger(asNumber) ? asNumber : n.toString();
    }
  }
  throw mismatch('a signed 64-bit integer (a decimal string or number)', value);
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** double fields: a number, or a string holding one or "NaN" / "Infinity" / "-Infinity". */
export function jsonDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    if (JSON_NUMBER.test(value)) return Number(value);
  }
  throw mismatch('a number', value);
}

/** An enum field: its integer value (int32), or one of `names` (index = value). */
export function jsonEnum(value: unknown, names: readonly string[]): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
  }
  throw mismatch(`an enum integer or one of ${names.join(', ')}`, value);
}

/**
 * A trace or span id: case-insensitive hex, returned in lowercase; undefined when the string is
 * not hex at all (the caller decides whether that rejects a span or drops a link).
 */
export function jsonHexId(value: unknown): string | undefined {
  const text = jsonString(value);
  let upper = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) continue; // 0-9 a-f
    if (c >= 0x41 && c <= 0x46) {
      upper = true; // A-F
      continue;
    }
    return undefined;
  }
  // An odd number of hex digits is not a whole number of bytes.
  if (text.length % 2 !== 0) return undefined;
  return upper ? text.toLowerCase() : text;
}

const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/**
 * bytes fields: base64, standard or URL-safe, padded or not (proto3 JSON accepts all four);
 * returned in the standard padded form the protobuf decoder produces.
 */
export function jsonBase64(value: unknown): string {
  const text = jsonString(value);
  if (!BASE64.test(text) || text.replace(/=+$/, '').length % 4 === 1) throw mismatch('base64 bytes', value);
  return Buffer.from(text, 'base64').toString('base64');
}

/** Decimal digits with an optional leading '-' (when `signed`): what BigInt() must be fed. */
function isDecimal(text: string, signed: boolean): boolean {
  let i = signed && text.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function mismatch(expected: string, got: unknown): MalformedPayloadError {
  return new MalformedPayloadError(`expected ${expected}, got ${describe(got)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `the string ${JSON.stringify(value.slice(0, 40))}…` : `the string ${JSON.stringify(value)}`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
