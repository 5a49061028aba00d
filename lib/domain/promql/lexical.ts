// PromQL's lexical pieces, as Go's Prometheus parser reads them: durations (`1h30m`), number
// literals (hex, Inf/NaN, durations as seconds), Go string literals with escapes, label-name
// validity (any valid UTF-8) and Go's %q quoting for error messages.

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Prometheus duration text (`1h30m`, `5m`, `250ms`) → milliseconds, or null if not a duration. */
export function parseDurationMs(s: string): number | null {
  if (!/[a-z]/.test(s)) return null;
  const m = DURATION_RE.exec(s);
  if (!m || s === '') return null;
  let ms = 0;
  for (let i = 0; i < 7; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[i]!;
  return ms;
}

/** A PromQL number literal (decimal, hex, Inf, NaN, or a duration meaning seconds). */
export function parseNumber(raw: string): number {
  let s = raw.replace(/_/g, '');
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1).trim();
  }
  const lower = s.toLowerCase();
  if (lower === 'inf') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x[0-9a-f]+$/i.test(s)) return sign * parseInt(s.slice(2), 16);
  const d = parseDurationMs(s);
  if (d !== null) return (sign * d) / 1000;
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`bad number or duration syntax: ${JSON.stringify(raw)}`);
  return sign * n;
}

/** Go-style string literal unquoting ("…" and '…' with escapes, `…` raw). */
export function unquoteString(raw: string): string {
  const q = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== q) throw new Error('unterminated quoted string');
  const body = raw.slice(1, -1);
  if (q === '`') return body;
  let out = '';
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) {
      out += decodeBytes(bytes);
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      flushBytes();
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n':
        flushBytes();
        out += '\n';
        break;
      case 't':
        flushBytes();
        out += '\t';
        break;
      case 'r':
        flushBytes();
        out += '\r';
        break;
      case 'a':
        flushBytes();
        out += '\x07';
        break;
      case 'b':
        flushBytes();
        out += '\b';
        break;
      case 'f':
        flushBytes();
        out += '\f';
        break;
      case 'v':
        flushBytes();
        out += '\v';
        break;
      case '\\':
      case '"':
      case "'":
        flushBytes();
        out += n;
        break;
      case 'x': {
        const hex = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error('invalid escape sequence');
        bytes.push(parseInt(hex, 16));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const len = n === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Error('invalid escape sequence');
        flushBytes();
        out += String.fromCodePoint(parseInt(hex, 16));
        i += len;
        break;
      }
      default: {
        if (n !== undefined && /[0-7]/.test(n)) {
          const oct = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid escape sequence');
          bytes.push(parseInt(oct, 8));
          i += 2;
          break;
        }
        throw new Error(`unknown escape sequence`);
      }
    }
  }
  flushBytes();
  return out;
}

/**
 * Bytes from \x / octal escapes. Valid UTF-8 decodes normally; invalid bytes become lone surrogates
 * U+DC80–U+DCFF (Python's "surrogateescape"), so they stay detectable (label names reject them) and
 * printable as \xNN, without being confused with real characters.
 */
function decodeBytes(bytes: number[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return bytes.map((b) => (b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b))).join('');
  }
}

/** Go's %q for error messages: JSON-style quoting with escaped invalid bytes shown as \xNN. */
export function goQuote(s: string): string {
  // JSON.stringify writes lone surrogates as \udcNN.
  return JSON.stringify(s).replace(/\\udc([89a-f][0-9a-f])/g, '\\x$1');
}

export function isValidLabelName(name: string): boolean {
  // Prometheus 3 accepts any valid UTF-8 label name; reject empty names and invalid UTF-8 (lone surrogates).
  if (name === '') return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}
