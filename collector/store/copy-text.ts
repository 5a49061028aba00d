// PostgreSQL's text COPY format (https://www.postgresql.org/docs/current/sql-copy.html, "Text
// Format"): tab-separated columns, \N for NULL, backslash escapes for \, newline, CR and tab.
import { cleanText } from '../../lib/domain/logs/text';

export const COPY_NULL = '\\N';

const ESCAPES = /[\\\n\r\t]/g;
const ESCAPE_OF: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Four searches for one character each cost a tenth of a character-class regex test (per column, per row). */
export function copyText(value: string): string {
  return value.includes('\\') || value.includes('\n') || value.includes('\r') || value.includes('\t') ? value.replace(ESCAPES, (ch) => ESCAPE_OF[ch]!) : value;
}

/**
 * copyText of JSON.stringify's output, which holds no raw newline, CR or tab (it escapes every
 * control character): only its backslashes need doubling, and a search for one is cheaper than the
 * regex test.
 */
export function copyJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

const UNESCAPE_OF: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v' };

/** A column value read back from a COPY line: the escapes undone (the format's \b \f \v too). */
export function fromCopyText(column: string): string {
  return column.includes('\\') ? column.replace(/\\(.)/g, (_, ch: string) => UNESCAPE_OF[ch] ?? ch) : column;
}

export function copyNullableText(value: string): string {
  return value === '' ? COPY_NULL : copyText(value);
}

/** A bytea column from lowercase hex; the leading backslash of `\x` is itself escaped. */
export function copyByteaFromHex(hex: string): string {
  return `\\\\x${hex}`;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses unpaired UTF-16 surrogates
 * (which JSON.stringify writes as \udXXX escapes). One bad attribute must not fail a whole COPY
 * batch, so such values are replaced with U+FFFD before they are written.
 */
export function needsSanitizing(line: string): boolean {
  // JSON.stringify writes `\u` only for control characters and lone surrogates: the regex runs on
  // the rare line that has one (this is called for every row written).
  return line.includes('\u0000') || (line.includes('\\u') && BAD_JSON_ESCAPE.test(line));
}

const BAD_JSON_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

/** Deep copy of a JSON value with every string (keys included) sanitized. */
export function sanitizeJson<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(sanitizeJson) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[cleanText(key)] = sanitizeJson(inner);
    return out as T;
  }
  return value;
}

/**
 * A batch's rows in the write-ahead log's binary form: u32 LE length of a JSON header (the rows but
 * their COPY text), the header, then the COPY text as UTF-8. The COPY text is nearly all of a
 * record; as a JSON string every tab and backslash of it would be escaped again. Returned as two
 * pieces, so the text's bytes are copied once, into the log's record.
 */
export function copyBytesToBinary(header: object, copyBytes: Buffer): Buffer[] {
  const json = JSON.stringify(header);
  const head = Buffer.allocUnsafe(4 + Buffer.byteLength(json));
  head.writeUInt32LE(head.length - 4, 0);
  head.write(json, 4);
  return [head, copyBytes];
}

/** The header and the COPY text's bytes (a view into `bytes`, which the caller must not reuse). */
export function copyBytesFromBinary(bytes: Buffer): { header: unknown; copyBytes: Buffer } {
  const jsonBytes = bytes.readUInt32LE(0);
  return { header: JSON.parse(bytes.toString('utf8', 4, 4 + jsonBytes)), copyBytes: bytes.subarray(4 + jsonBytes) };
}

/** Newline-terminated COPY lines as UTF-8: the first `lines` of them and the rest (bisection). */
export function splitCopyBytes(bytes: Buffer, lines: number): [Buffer, Buffer] {
  let at = 0;
  for (let i = 0; i < lines && at < bytes.length; i++) {
    const newline = bytes.indexOf(0x0a, at);
    at = newline < 0 ? bytes.length : newline + 1;
  }
  return [bytes.subarray(0, at), bytes.subarray(at)];
}

/** How many newline-terminated lines the COPY bytes hold. */
export function copyLineCount(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) n++;
  return n;
}
