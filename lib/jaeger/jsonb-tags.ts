// Jaeger tags written straight from an attributes object as PostgreSQL prints jsonb
// (`{"key": value, ...}`), without JSON.parse: keys and string values are already JSON text and are
// copied as they are. Tags come out sorted by key, as Jaeger's adjusters leave them; jsonb orders
// keys by length first, so the sorted order of each distinct key layout is computed once and cached
// (spans of one instrumentation share a few layouts).
//
// Same tags as tagsJson(JSON.parse(text)) in serialize.ts, except that numbers keep the digits
// PostgreSQL printed (an int64 beyond 2^53 stays exact); a shape the scanner does not expect falls
// back to that reference path.
import type { Attributes } from '../domain/model';
import { tagsJson } from './serialize';

const enum ValueKind {
  String,
  True,
  False,
  Null,
  Integer,
  Float,
  /** Array or object: Jaeger gets its JSON text as a string tag. */
  Nested,
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** Member positions of the object last scanned; reused across calls to spare allocations. */
let keyStart = new Int32Array(64);
let keyEnd = new Int32Array(64);
let valueStart = new Int32Array(64);
let valueEnd = new Int32Array(64);
let valueKind = new Uint8Array(64);

function grow(): void {
  const size = keyStart.length * 2;
  const bigger = <T extends Int32Array | Uint8Array>(old: T, fresh: T): T => (fresh.set(old), fresh);
  keyStart = bigger(keyStart, new Int32Array(size));
  keyEnd = bigger(keyEnd, new Int32Array(size));
  valueStart = bigger(valueStart, new Int32Array(size));
  valueEnd = bigger(valueEnd, new Int32Array(size));
  valueKind = bigger(valueKind, new Uint8Array(size));
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

function skipSpaces(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string literal opening at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if ((backslashes & 1) === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the array or object opening at `open`, or -1. */
function nestedEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = stringEnd(text, i) - 1;
      if (i < 0) return -1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Finds the members of the object `text`; their count, or -1 when it is not a well-formed object. */
function scanMembers(text: string): number {
  let i = skipSpaces(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return -1;
  i = skipSpaces(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return 0;
  let count = 0;
  for (;;) {
    if (count === keyStart.length) grow();
    if (text.charCodeAt(i) !== QUOTE) return -1;
    const afterKey = stringEnd(text, i);
    if (afterKey < 0) return -1;
    keyStart[count] = i;
    keyEnd[count] = afterKey;
    i = skipSpaces(text, afterKey);
    if (text.charCodeAt(i) !== COLON) return -1;
    i = skipSpaces(text, i + 1);
    const first = text.charCodeAt(i);
    let end: number;
    let kind: ValueKind;
    if (first === QUOTE) {
      end = stringEnd(text, i);
      kind = ValueKind.String;
    } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      end = nestedEnd(text, i);
      kind = ValueKind.Nested;
    } else if (text.startsWith('true', i)) {
      end = i + 4;
      kind = ValueKind.True;
    } else if (text.startsWith('false', i)) {
      end = i + 5;
      kind = ValueKind.False;
    } else if (text.startsWith('null', i)) {
      end = i + 4;
      kind = ValueKind.Null;
    } else {
      kind = ValueKind.Integer;
      end = i;
      for (;;) {
        const code = text.charCodeAt(end);
        if (code === 46 || code === 101 || code === 69) kind = ValueKind.Float; // . e E
        else if (!(code === 45 || code === 43 || (code >= 48 && code <= 57))) break; // - + digit
        end++;
      }
      if (end === i) return -1;
    }
    if (end < 0) return -1;
    valueStart[count] = i;
    valueEnd[count] = end;
    valueKind[count] = kind;
    count++;
    i = skipSpaces(text, end);
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACE) return count;
    if (next !== COMMA) return -1;
    i = skipSpaces(text, i + 1);
  }
}

/** One set of keys in jsonb order, with the order Jaeger wants them in. */
interface KeyLayout {
  /** Each key's JSON literal, quotes included, as jsonb prints it. */
  keys: string[];
  /** Member indexes sorted by key. */
  sorted: number[];
  /** `,{"key":<key>,"type":"` per member. */
  tagPrefixes: string[];
  /** The same without the comma. */
  firstTagPrefixes: string[];
}

const layoutsByCount = new Map<number, KeyLayout[]>();
const MAX_LAYOUTS_PER_COUNT = 64;

function matches(layout: KeyLayout, text: string, count: number): boolean {
  for (let m = 0; m < count; m++) {
    const key = layout.keys[m]!;
    if (keyEnd[m]! - keyStart[m]! !== key.length || !text.startsWith(key, keyStart[m])) return false;
  }
  return true;
}

function layoutFor(text: string, count: number): KeyLayout {
  let layouts = layoutsByCount.get(count);
  if (layouts) {
    for (const layout of layouts) if (matches(layout, text, count)) return layout;
  } else {
    layoutsByCount.set(count, (layouts = []));
  }
  const keys = Array.from({ length: count }, (_, m) => text.slice(keyStart[m], keyEnd[m]));
  // Sort by the decoded key (UTF-16 order, as toJaegerTags), not by its escaped text.
  const decoded = keys.map((key) => JSON.parse(key) as string);
  const sorted = keys.map((_, m) => m).sort((a, b) => (decoded[a]! < decoded[b]! ? -1 : decoded[a]! > decoded[b]! ? 1 : 0));
  const firstTagPrefixes = keys.map((key) => `{"key":${key},"type":"`);
  const layout: KeyLayout = { keys, sorted, firstTagPrefixes, tagPrefixes: firstTagPrefixes.map((prefix) => `,${prefix}`) };
  if (layouts.length >= MAX_LAYOUTS_PER_COUNT) layouts.shift();
  layouts.push(layout);
  return layout;
}

/**
 * The tags of the jsonb object text `attributes`, sorted by key, each preceded by a comma except,
 * when `leadingComma` is false, the first.
 */
export function jsonbTagsJson(attributes: string, leadingComma: boolean): string {
  const count = scanMembers(attributes);
  if (count < 0) return parsedTagsJson(attributes, leadingComma);
  if (count === 0) return '';
  const layout = layoutFor(attributes, count);
  let out = '';
  for (let i = 0; i < count; i++) {
    const m = layout.sorted[i]!;
    const prefix = i > 0 || leadingComma ? layout.tagPrefixes[m]! : layout.firstTagPrefixes[m]!;
    switch (valueKind[m] as ValueKind) {
      case ValueKind.String:
        out += `${prefix}string","value":${attributes.slice(valueStart[m], valueEnd[m])}}`;
        break;
      case ValueKind.True:
        out += `${prefix}bool","value":true}`;
        break;
      case ValueKind.False:
        out += `${prefix}bool","value":false}`;
        break;
      case ValueKind.Null:
        out += `${prefix}string","value":""}`;
        break;
      case ValueKind.Integer:
        out += `${prefix}int64","value":${attributes.slice(valueStart[m], valueEnd[m])}}`;
        break;
      case ValueKind.Float:
        out += `${prefix}float64","value":${attributes.slice(valueStart[m], valueEnd[m])}}`;
        break;
      case ValueKind.Nested:
        out += `${prefix}string","value":${JSON.stringify(JSON.stringify(JSON.parse(attributes.slice(valueStart[m], valueEnd[m]))))}}`;
        break;
    }
  }
  return out;
}

/** The reference path, for text the scanner does not take. */
function parsedTagsJson(attributes: string, leadingComma: boolean): string {
  const parsed = JSON.parse(attributes) as Attributes | null;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return '';
  return tagsJson(parsed, leadingComma);
}
