// RE2 (Go regexp) patterns, as PromQL writes them, compiled to JavaScript RegExps. Prometheus anchors
// every label regex and lets `.` match newlines (`^(?s:<re>)$`). Differences we translate: Go's
// `(?P<name>…)` groups, `\z`, and case-insensitive flags anywhere (`(?i)…`, `(?i:…)`), which JS (Node 20)
// lacks inside a pattern, by expanding letters to `[aA]` in the affected scope. Anything JS rejects is
// an "invalid regular expression" error, as Prometheus reports for RE2 syntax errors.

const cache = new Map<string, RegExp>();

export class RegexError extends Error {}

function bothCases(ch: string): string {
  const lo = ch.toLowerCase();
  const up = ch.toUpperCase();
  return lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : ch;
}

/** Rewrites RE2-only syntax into JS syntax; returns the body and whether the whole pattern is case-insensitive. */
export function translateRe2(pattern: string): string {
  let out = '';
  // Flag stack: one entry per open group; `ci` is the case-insensitivity in effect.
  const stack: boolean[] = [];
  let ci = false;
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 'z') out += '$';
      else if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const lit = pattern.slice(i + 2, end < 0 ? n : end);
        out += lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        i = end < 0 ? n : end + 2;
        continue;
      } else if (ci && /[a-zA-Z]/.test(next) && !/[dDwWsSbBpPnrtfvxu0-9]/.test(next)) out += bothCases(next);
      else out += c + next;
      i += 2;
      continue;
    }
    if (c === '[') {
      // Copy the class; under (?i) add the other case of each letter.
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      if (pattern[j] === ']') {
        cls += '\\]';
        j++;
      }
      let extra = '';
      while (j < n && pattern[j] !== ']') {
        if (pattern[j] === '[' && pattern[j + 1] === ':') {
          const end = pattern.indexOf(':]', j + 2);
          const name = pattern.slice(j + 2, end);
          cls += POSIX_CLASSES[name] ?? '';
          j = end + 2;
          continue;
        }
        if (pattern[j] === '\\') {
          cls += pattern.slice(j, j + 2);
          j += 2;
          continue;
        }
        const ch = pattern[j]!;
        if (pattern[j + 1] === '-' && pattern[j + 2] !== undefined && pattern[j + 2] !== ']') {
          const to = pattern[j + 2]!;
          cls += `${ch}-${to}`;
          if (ci && /[a-zA-Z]/.test(ch) && /[a-zA-Z]/.test(to)) extra += `${swapCase(ch)}-${swapCase(to)}`;
          j += 3;
          continue;
        }
        cls += ch === '[' ? '\\[' : ch;
        if (ci && /[a-zA-Z]/.test(ch)) extra += swapCase(ch);
        j++;
      }
      out += cls + extra + ']';
      i = j + 1;
      continue;
    }
    if (c === '(') {
      const flags = /^\(\?([imsU-]+)(:|\))/.exec(pattern.slice(i));
      if (flags) {
        const on = flags[1]!.split('-')[0]!;
        const off = flags[1]!.split('-')[1] ?? '';
        const newCi: boolean = on.includes('i') ? true : off.includes('i') ? false : ci;
        if (flags[2] === ')') {
          // (?i) applies to the rest of the enclosing group.
          ci = newCi;
          i += flags[0].length;
          continue;
        }
        stack.push(ci);
        ci = newCi;
        out += '(?:';
        i += flags[0].length;
        continue;
      }
      if (pattern.startsWith('(?P<', i)) {
        stack.push(ci);
        out += '(?<';
        i += 4;
        continue;
      }
      stack.push(ci);
      out += c;
      i++;
      continue;
    }
    if (c === ')') {
      ci = stack.pop() ?? false;
      out += c;
      i++;
      continue;
    }
    out += ci && /[a-zA-Z]/.test(c) ? bothCases(c) : c;
    i++;
  }
  return out;
}

function swapCase(ch: string): string {
  return ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** The fully anchored matcher for a label regex (cached). Throws RegexError for an invalid pattern. */
export function anchoredRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  try {
    re = new RegExp(`^(?:${translateRe2(pattern)})$`, 's');
  } catch (err) {
    throw new RegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, re);
  return re;
}
