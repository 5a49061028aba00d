// How an OTLP AnyValue becomes a Meshlight AttributeValue (its JSON form, stored as jsonb), shared
// by the protobuf and JSON decoders so both produce the same values:
//   int64        → number when Number.isSafeInteger, else its decimal string (a double would round)
//   double       → number; NaN / ±Infinity, which JSON cannot hold, → "NaN" / "Infinity" /
//                  "-Infinity", the strings the proto3 JSON mapping uses for them
//   bytes        → standard padded base64
//   kvlist       → object, array → array, an AnyValue with no value set → null
import type { AttributeValue, Attributes } from '../domain/model';

/**
 * Deeper AnyValue nesting than this is refused: nothing legitimate nests this far, and recursing
 * on hostile input must not exhaust the stack.
 */
export const MAX_VALUE_DEPTH = 64;

export function int64Attribute(value: number | bigint): number | string {
  return typeof value === 'number' ? value : value.toString();
}

export function doubleAttribute(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Sets one attribute; a repeated key keeps its last value, as a protobuf map would. `__proto__`
 * is a legal attribute key and must become an own property, not the object's prototype.
 */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
