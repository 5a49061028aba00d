// Series selectors as `match[]` parameters and label filters carry them: `metric{a="x", b=~"y.*"}`,
// `{__name__=~"http_.*"}`. Strings in "double", 'single' or `raw` quotes with Go escapes. Errors
// read like Prometheus's (`1:12: parse error: ...`) so the UI can point at the column.
import type { LabelMatcher, MatchType } from './types';

export class SelectorError extends Error {
  override name = 'SelectorError';
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(`1:${column}: parse error: ${message}`);
  }
}

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OPS: MatchType[] = ['=~', '!~', '!=', '='];
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Parses one selector into matchers (`__name__` first when the metric name is given). */
export function parseSeriesSelector(text: string): LabelMatcher[] {
  let pos = 0;
  const skip = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const matchers: LabelMatcher[] = [];
  skip();
  NAME.lastIndex = pos;
  const name = NAME.exec(text);
  if (name) {
    matchers.push({ name: '__name__', type: '=', value: name[0] });
    pos = NAME.lastIndex;
    skip();
  }
  if (text[pos] === '{') {
    pos++;
    for (;;) {
      skip();
      if (text[pos] === '}') {
        pos++;
        break;
      }
      LABEL.lastIndex = pos;
      const label = LABEL.exec(text);
      if (!label) throw new SelectorError(pos + 1, pos >= text.length ? 'unexpected end of input inside braces' : `unexpected character inside braces: "${text[pos]}"`);
      pos = LABEL.lastIndex;
      skip();
      const op = OPS.find((candidate) => text.startsWith(candidate, pos));
      if (!op) throw new SelectorError(pos + 1, `unexpected ${pos >= text.length ? 'end of input' : `"${text[pos]}"`} in label matching, expected one of "=", "!=", "=~" or "!~"`);
      pos += op.length;
      skip();
      const value = readString();
      if (op === '=~' || op === '!~') {
        try {
          new RegExp(`^(?:${value})$`);
        } catch {
          throw new SelectorError(pos, `invalid regular expression "${value}"`);
        }
      }
      matchers.push({ name: label[0], type: op, value });
      skip();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== '}') throw new SelectorError(pos + 1, pos >= text.length ? 'unexpected end of input inside braces' : `unexpected "${text[pos]}" in label matching, expected "," or "}"`);
    }
  }
  skip();
  if (pos < text.length) throw new SelectorError(pos + 1, `unexpected "${text.slice(pos, pos + 10)}" after the selector`);
  if (matchers.length === 0) throw new SelectorError(1, 'unexpected end of input, expected a series selector');
  if (!matchers.some((m) => !matchesEmpty(m))) throw new SelectorError(1, 'vector selector must contain at least one non-empty matcher');
  return matchers;

  function readString(): string {
    const quote = text[pos];
    if (quote !== '"' && quote !== "'" && quote !== '`') throw new SelectorError(pos + 1, `unexpected ${pos >= text.length ? 'end of input' : `"${text[pos]}"`}, expected a quoted string`);
    const start = pos;
    pos++;
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      const ch = text[pos]!;
      if (ch === '\\' && quote !== '`') {
        const next = text[pos + 1];
        if (next === undefined) break;
        if (ESCAPES[next] !== undefined) {
          out += ESCAPES[next];
          pos += 2;
          continue;
        }
        if (next === 'u' || next === 'x') {
          const len = next === 'u' ? 4 : 2;
          const hex = text.slice(pos + 2, pos + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new SelectorError(pos + 1, 'invalid escape sequence');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 2 + len;
          continue;
        }
        throw new SelectorError(pos + 1, `unknown escape sequence "\\${next}"`);
      }
      out += ch;
      pos++;
    }
    if (text[pos] !== quote) throw new SelectorError(start + 1, 'unterminated quoted string');
    pos++;
    return out;
  }
}

/** Whether a matcher accepts the empty string (a series without the label). */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test('');
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test('');
  }
}

/** Whether a label set satisfies every matcher (in-memory; the database path is lib/db/metrics). */
export function matchesLabels(labels: Readonly<Record<string, string>>, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.type) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return new RegExp(`^(?:${m.value})$`).test(value);
      case '!~':
        return !new RegExp(`^(?:${m.value})$`).test(value);
    }
  });
}

/** A selector's text for matchers (the UI's label filters build queries with it). */
export function formatSelector(matchers: readonly LabelMatcher[]): string {
  const name = matchers.find((m) => m.name === '__name__' && m.type === '=');
  const rest = matchers.filter((m) => m !== name);
  const body = rest.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(', ');
  return `${name?.value ?? ''}${body || !name ? `{${body}}` : ''}`;
}
