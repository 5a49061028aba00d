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
// Pure: no clock, no I/O. A bad LogQL text throws LogQLError when the filter is compiled.
import type { Attributes, AttributeValue } from '../model';
import { LogQLError } from './logql/ast';
import { runPipeline, selectorMatches, streamLabels } from './logql/evaluate';
import { parseLogQL } from './logql/parse';
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
