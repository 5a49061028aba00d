// RE2 (Go regexp) patterns, as PromQL writes them, compiled to JavaScript RegExps. Prometheus anchors
// every label regex and lets `.` match newlines (`^(?s:<re>)$`). The differences we translate: Go's
// `(?P<name>…)` groups, leading inline flags `(?i)`/`(?s)`, and `\z`. Anything JS rejects is an
// "invalid regular expression" error, as Prometheus reports for RE2 syntax errors.

const cache = new Map<string, RegExp>();

export class RegexError extends Error {}

/** The fully anchored matcher for a label regex (cached). Throws RegexError for an invalid pattern. */
export function anchoredRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  let body = pattern;
  let flags = 's';
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1]!.includes('i')) flags += 'i';
    if (lead[1]!.includes('m')) flags += 'm';
    body = body.slice(lead[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$');
  try {
    re = new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    throw new RegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, re);
  return re;
}
