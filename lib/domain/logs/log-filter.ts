// The live tail's filter, run in memory on records as they are accepted (the collector's LogTail),
// with the same meaning as /api/logs' filters where it can have it without the database:
//   service        = the record's service name
//   severities     any of the ranges (error = 17..20 …)
//   q              case-insensitive substring of the body (the API's ILIKE recheck; the API also
//                  asks each word to start a token, which only narrows matches the index found)
//   traceId        the record's own trace id (the API also joins correlation ids learned for the
//                  trace; a tail cannot wait for that join)
//   correlationId  = the record's correlation id
//   attributes     key:value on the record's top-level attributes (string, number or boolean, as
//                  the API's jsonb containment)
//   logql          a LogQL log query: stream selector on the stream labels + its pipeline
// Pure: no clock, no I/O. A bad LogQL text throws LogQLError when the filter is compiled. The tail
// runs on the collector's ingest path, where JavaScript's backtracking regexes are a hazard (one
// `(a+)+$` would stall ingest), so a tail's regexes must not nest quantifiers, quantify an
// alternation or use backreferences (`assertTailSafeRegex`); Loki's RE2 has no such hazard.
import type { Attributes, AttributeValue } from '../model';
import { LogQLError } from './logql/ast';
import { runPipeline, selectorMatches, streamLabels } from './logql/evaluate';
import { parseLogQL } from './logql/parse';
import type { LabelTest, Stage } from './logql/ast';
import type { LogRecord } from './model';
import { severityRange, type SeverityName } from './severity';

export interface LogTailFilter {
  service?: string;
  severities?: readonly SeverityName[];
  q?: string;
  traceId?: string;
  correlationId?: string;
  attributes?: ReadonlyArray<{ key: string; value: string }>;
  logql?: string;
}

/** The resource side of a record: what ResourceLogs carries for all its records. */
export interface LogSource {
  serviceName: string;
  resourceAttributes: Attributes;
}

export type LogMatcher = (record: LogRecord, source: LogSource) => boolean;

function attributeMatches(actual: AttributeValue | undefined, wanted: string): boolean {
  if (actual === undefined) return false;
  if (actual === wanted) return true;
  if (typeof actual === 'number') return /^-?\d+(\.\d+)?$/.test(wanted) && actual === Number(wanted);
  if (typeof actual === 'boolean') return (wanted === 'true' || wanted === 'false') && actual === (wanted === 'true');
  return false;
}

/**
 * Refuses a regex that can backtrack exponentially: a quantified group that holds a quantifier or an
 * alternation (`(a+)+`, `(a|a)*`, `(x*y?){2,}`), or a backreference. Conservative: some safe
 * patterns are refused too; a plain `|~ "timeout|refused"` or `.*error.*` passes.
 */
export function assertTailSafeRegex(source: string): void {
  const refuse = (why: string) => {
    throw new LogQLError(`a live tail refuses the regular expression ${JSON.stringify(source)}: ${why}`);
  };
  // Per open group: does it hold a quantifier or an alternation?
  const groups: boolean[] = [];
  let lastClosedRisky = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    let closedRisky = false;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9k]/.test(next)) refuse('backreferences are not allowed');
      i++;
    } else if (c === '[') {
      // A character class: skip to its end (escapes inside included).
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') {
      groups.push(false);
    } else if (c === ')') {
      closedRisky = groups.pop() ?? false;
    } else if (c === '|') {
      if (groups.length) groups[groups.length - 1] = true;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      if (c === '?' && source[i - 1] !== undefined && /[*+?}]/.test(source[i - 1]!)) continue; // lazy modifier
      if (lastClosedRisky && c !== '?') refuse('a repeated group holds a quantifier or an alternation');
      if (groups.length) groups[groups.length - 1] = true;
      if (c === '{') while (i < source.length && source[i] !== '}') i++;
    }
    // A group holding a risky group is itself risky when repeated.
    if (closedRisky && groups.length) groups[groups.length - 1] = true;
    lastClosedRisky = closedRisky;
  }
}

function regexesOfTest(test: LabelTest, out: string[]): void {
  if (test.kind === 'match') {
    if (test.matcher.op === '=~' || test.matcher.op === '!~') out.push(test.matcher.value);
  } else if (test.kind === 'and' || test.kind === 'or') {
    regexesOfTest(test.left, out);
    regexesOfTest(test.right, out);
  }
}

function regexesOfStages(stages: readonly Stage[]): string[] {
  const out: string[] = [];
  for (const stage of stages) {
    if (stage.kind === 'line' && (stage.op === '|~' || stage.op === '!~')) out.push(...stage.values);
    else if (stage.kind === 'labelFilter') regexesOfTest(stage.test, out);
  }
  return out;
}

/** The filter as one predicate; tests are ordered cheapest first. */
export function compileLogFilter(filter: LogTailFilter): LogMatcher {
  const tests: LogMatcher[] = [];
  if (filter.service) {
    const service = filter.service;
    tests.push((_, source) => source.serviceName === service);
  }
  if (filter.severities && filter.severities.length > 0) {
    const ranges = filter.severities.map(severityRange);
    tests.push((record) => ranges.some((r) => record.severityNumber >= r.min && record.severityNumber <= r.max));
  }
  if (filter.traceId) {
    const traceId = filter.traceId.toLowerCase().padStart(32, '0');
    tests.push((record) => record.traceId === traceId);
  }
  if (filter.correlationId) {
    const id = filter.correlationId;
    tests.push((record) => record.correlationId === id);
  }
  for (const { key, value } of filter.attributes ?? []) tests.push((record) => attributeMatches(record.attributes[key], value));
  const q = filter.q?.trim().toLowerCase();
  if (q) tests.push((record) => record.body.toLowerCase().includes(q));
  if (filter.logql?.trim()) {
    const query = parseLogQL(filter.logql);
    if (query.kind !== 'log') throw new LogQLError('a live tail takes a log query (a selector and a pipeline), not a metric query');
    const { selector, stages } = query.expr;
    for (const source of [...selector.filter((m) => m.op === '=~' || m.op === '!~').map((m) => m.value), ...regexesOfStages(stages)]) {
      assertTailSafeRegex(source);
    }
    // Stream labels are the same for every record of a resource: computed once per source object.
    let lastSource: LogSource | undefined;
    let labels: Record<string, string> = {};
    tests.push((record, source) => {
      if (source !== lastSource) {
        lastSource = source;
        labels = streamLabels(source.serviceName, source.resourceAttributes);
      }
      return selectorMatches(selector, labels) && runPipeline(stages, record.body, labels) !== undefined;
    });
  }
  if (tests.length === 0) return () => true;
  return (record, source) => {
    for (const test of tests) if (!test(record, source)) return false;
    return true;
  };
}
