// The words of a log body as the full-text index holds them, and how a free-text query is asked of
// that index. Computed in the collector when a record is encoded (not by PostgreSQL's to_tsvector at
// insert), so the index can leave out the *common* terms: a word in ≥ 1 % of records (the words of
// the log templates) costs one index entry per record that has it, and a search for it is answered
// from the newest rows anyway. Which terms are left out is in the database (`log_common_terms`), so a
// search knows exactly which of its words the index can answer (lib/db/log-queries.ts).
//
// A token is a maximal run of characters that are not ASCII punctuation, space or control
// characters (every ASCII character except letters and digits separates; other characters belong
// to words), lowercased. A query word matches a record when it starts one of the record's tokens:
// it appears, ASCII case ignored, at the start of the body or right after a separator.

/** Longest token indexed: a longer token is indexed by its first MAX_TERM_LENGTH characters. */
export const MAX_TERM_LENGTH = 64;
/** Most query words a search uses (the rest are still matched by the whole-query substring test). */
export const MAX_QUERY_WORDS = 16;

const SEPARATORS = /[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]+/;
/** The same separator set in PostgreSQL's regex syntax (ARE), for the SQL-side word check. */
const SQL_SEPARATOR_CLASS = '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]';

/** Cuts to at most MAX_TERM_LENGTH UTF-16 units without splitting a surrogate pair. */
function cut(token: string): string {
  if (token.length <= MAX_TERM_LENGTH) return token;
  const high = token.charCodeAt(MAX_TERM_LENGTH - 1);
  return token.slice(0, high >= 0xd800 && high <= 0xdbff ? MAX_TERM_LENGTH - 1 : MAX_TERM_LENGTH);
}

/** Per ASCII character: 1 when it separates tokens (all but letters and digits), 2 for an uppercase letter, else 0. */
const CHAR_CLASS = new Uint8Array(128).map((_, c) => (SEPARATORS.test(String.fromCharCode(c)) ? 1 : c >= 65 && c <= 90 ? 2 : 0));

/** Up to this many distinct tokens a text's are kept apart by a linear search, then by a set. */
const LINEAR_DISTINCT = 32;

/**
 * The distinct tokens of a text, lowercased and cut to MAX_TERM_LENGTH, in first-seen order. One
 * pass over the character codes (this runs for every record accepted): a regex split and a
 * lowercase copy of the whole body cost twice as much. A log line has a few dozen tokens: searching
 * the array of those found so far costs less than a Set (and its copy into an array), which only a
 * text with many distinct tokens gets.
 */
export function logTokens(text: string): string[] {
  const tokens: string[] = [];
  let seen: Set<string> | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c < 128 && CHAR_CLASS[c] === 1) {
      i++;
      continue;
    }
    const start = i;
    let lower = true;
    do {
      if (c >= 128 || CHAR_CLASS[c] === 2) lower = false;
      if (++i === n) break;
      c = text.charCodeAt(i);
    } while (c >= 128 || CHAR_CLASS[c] !== 1);
    const slice = text.slice(start, i);
    const token = cut(lower ? slice : slice.toLowerCase());
    if (seen !== undefined) {
      if (!seen.has(token)) {
        seen.add(token);
        tokens.push(token);
      }
    } else if (!tokens.includes(token)) {
      tokens.push(token);
      if (tokens.length >= LINEAR_DISTINCT) seen = new Set(tokens);
    }
  }
  return tokens;
}

/**
 * The tsvector literal of the terms to index, in PostgreSQL's text COPY format: every token except
 * the common ones. Tokens hold no ASCII punctuation, so neither quotes nor backslashes need escaping.
 */
export function indexedTermsLiteral(tokens: readonly string[], common: ReadonlySet<string>): string {
  let out = '';
  for (const token of tokens) {
    if (common.size > 0 && common.has(token)) continue;
    out += out === '' ? `'${token}'` : ` '${token}'`;
  }
  return out;
}

/** The words of a free-text query: its tokens, at most MAX_QUERY_WORDS. */
export function queryWords(q: string): string[] {
  return logTokens(q).slice(0, MAX_QUERY_WORDS);
}

/**
 * Whether the index can answer `word` (find every record with a token starting with it): not when a
 * common term (never indexed) starts with it, nor when it has a non-ASCII character (the database's
 * case-insensitive match of those may differ from JavaScript's lowercasing).
 */
export function indexAnswers(word: string, commonTermsStartingWithWord: boolean): boolean {
  return !commonTermsStartingWithWord && /^[a-z0-9]+$/.test(word);
}

/** A prefix tsquery literal (`'declin':* & 'abc':*`) of words the index answers ('' for none). */
export function prefixTsQuery(words: readonly string[]): string {
  return words.map((word) => `'${word}':*`).join(' & ');
}

/**
 * A PostgreSQL regular expression (for `~*`) that holds when `word` starts a token of the text: at
 * its start or right after a separator. Words hold no ASCII punctuation, so they need no escaping.
 */
export function wordStartRegex(word: string): string {
  return `(^|${SQL_SEPARATOR_CLASS})${word}`;
}

/** Does `word` start a token of `text`? The in-memory meaning of wordStartRegex (tests, tail). */
export function startsToken(text: string, word: string): boolean {
  const lower = text.toLowerCase();
  let at = lower.indexOf(word);
  while (at >= 0) {
    if (at === 0 || SEPARATORS.test(lower[at - 1]!)) return true;
    at = lower.indexOf(word, at + 1);
  }
  return false;
}

/**
 * Learns which terms are common from a sample of the records encoded (1 in SAMPLE_EVERY): a term
 * seen in COMMON_SHARE of the sampled records of one window of WINDOW_SAMPLES becomes a candidate.
 * Candidates are handed to `promote`, which must make them durable (log_common_terms) before
 * calling `adopt`: only then are they left out of the rows encoded, so no stored row lacks a term
 * the database does not list as common.
 */
export class CommonTermLearner {
  static readonly SAMPLE_EVERY = 8;
  static readonly WINDOW_SAMPLES = 4096;
  static readonly COMMON_SHARE = 0.01;
  static readonly MAX_COMMON_TERMS = 5000;

  private readonly adopted = new Set<string>();
  private readonly counts = new Map<string, number>();
  private readonly requested = new Set<string>();
  private records = 0;
  private samples = 0;

  constructor(private readonly promote: (terms: string[]) => void) {}

  /** The terms left out of the index (read by the encoder; grows only). */
  get common(): ReadonlySet<string> {
    return this.adopted;
  }

  /** Terms made durable as common (at start, the database's list; later, each promotion). */
  adopt(terms: Iterable<string>): void {
    for (const term of terms) {
      this.adopted.add(term);
      this.requested.delete(term);
    }
  }

  /** A promotion that failed: its terms may be proposed again. */
  forget(terms: Iterable<string>): void {
    for (const term of terms) this.requested.delete(term);
  }

  /** Sees one record's tokens. */
  observe(tokens: readonly string[]): void {
    if (this.records++ % CommonTermLearner.SAMPLE_EVERY !== 0) return;
    if (this.adopted.size + this.requested.size >= CommonTermLearner.MAX_COMMON_TERMS) return;
    const threshold = Math.ceil(CommonTermLearner.WINDOW_SAMPLES * CommonTermLearner.COMMON_SHARE);
    let fresh: string[] | undefined;
    for (const token of tokens) {
      if (this.adopted.has(token) || this.requested.has(token)) continue;
      const n = (this.counts.get(token) ?? 0) + 1;
      this.counts.set(token, n);
      if (n >= threshold) (fresh ??= []).push(token);
    }
    if (fresh) {
      for (const term of fresh) {
        this.requested.add(term);
        this.counts.delete(term);
      }
      this.promote(fresh);
    }
    if (++this.samples >= CommonTermLearner.WINDOW_SAMPLES) {
      this.samples = 0;
      this.counts.clear();
    }
  }
}
