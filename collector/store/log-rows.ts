// Turns a decoded LogBatch into what storage writes: `logs` rows as PostgreSQL COPY text, the
// dictionary rows they reference (the same resources and scopes spans use), and the correlation
// links the records teach (a record with both a trace id and a correlation id). Done once, when a
// request is accepted, like span-rows.ts; the merge/split/size/spool helpers below are what the
// generic pipeline's RowsCodec needs. Each row carries its full-text terms (`terms`, a tsvector
// literal): the body's tokens less the common ones (lib/domain/logs/log-terms.ts).
import { correlationLinksOfLogs, type CorrelationLink } from '../../lib/domain/logs/correlation';
import { indexedTermsLiteral, logTokens, type CommonTermLearner } from '../../lib/domain/logs/log-terms';
import { effectiveTimeNs, type LogBatch, type LogRecord } from '../../lib/domain/logs/model';
import { VolumeCounter, VolumeTally, type VolumeCount } from '../../lib/domain/logs/volume';
import { COPY_NULL, copyBytesFromBinary, copyBytesToBinary, copyByteaFromHex, copyJson, copyLineCount, copyNullableText, copyText, fromCopyText, needsSanitizing, sanitizeJson, splitCopyBytes } from './copy-text';
import { cleanText } from '../../lib/domain/logs/text';
import { PARTITIONED_LOGS } from './log-partitions';
import { NANOS_PER_DAY, dayOf } from './partition-plan';
import { resourceRow, scopeRow, type ResourceRow, type ScopeRow } from './span-rows';

export const LOG_COPY_COLUMNS = [
  'time_ns',
  'observed_ns',
  'service_name',
  'severity_number',
  'severity_text',
  'body',
  'trace_id',
  'span_id',
  'correlation_id',
  'flags',
  'event_name',
  'resource_id',
  'scope_id',
  'attributes',
  'dropped_attributes_count',
  'terms',
] as const;

export const LOG_COPY_TARGET = `${PARTITIONED_LOGS.name} (${LOG_COPY_COLUMNS.join(', ')})`;

/** A batch of log records ready to write. */
export interface LogRows {
  /**
   * The records as COPY text, in UTF-8: encoded once, when the request is accepted, then written
   * as they are to the write-ahead log and to the COPY (merged batches are concatenated bytes).
   */
  copyBytes: Buffer;
  recordCount: number;
  /** UTC days the records fall in, so their partitions can be ensured. */
  days: Set<number>;
  resources: Map<bigint, ResourceRow>;
  scopes: Map<bigint, ScopeRow>;
  correlations: CorrelationLink[];
  /** How many of the records fall in each minute, service and severity range (log_volume_minutes). */
  volume: VolumeCount[];
}

const NO_COMMON_TERMS: ReadonlySet<string> = new Set();
const EMPTY = Buffer.alloc(0);

/**
 * `terms` learns the common terms from the records and says which to leave out of the index;
 * without it every term is indexed (tools and tests writing directly).
 */
export function encodeLogRows(batch: LogBatch, terms?: CommonTermLearner): LogRows {
  const common = terms?.common ?? NO_COMMON_TERMS;
  const rows: LogRows = { copyBytes: EMPTY, recordCount: 0, days: new Set(), resources: new Map(), scopes: new Map(), correlations: [], volume: [] };
  const volume = new VolumeTally();
  const lines: string[] = [];
  let dayStart = 0n;
  let dayEnd = 0n;
  for (const rl of batch.resourceLogs) {
    const resource = resourceRow(rl.resource, rl.serviceName, rl.schemaUrl);
    rows.resources.set(resource.id, resource);
    const service = copyText(resource.serviceName);
    for (const sl of rl.scopeLogs) {
      const scope = scopeRow(sl.scope);
      rows.scopes.set(scope.id, scope);
      const ids = `\t${resource.id}\t${scope.id}\t`;
      for (const record of sl.records) {
        const tokens = logTokens(record.body);
        terms?.observe(tokens);
        lines.push(logLine(record, service, ids, indexedTermsLiteral(tokens, common)));
        const time = effectiveTimeNs(record);
        volume.count(time, resource.serviceName, record.severityNumber);
        // Records of a batch mostly fall in one day: a bigint division only when the day changes.
        if (time < dayStart || time >= dayEnd) {
          const day = dayOf(time);
          rows.days.add(day);
          dayStart = BigInt(day) * NANOS_PER_DAY;
          dayEnd = dayStart + NANOS_PER_DAY;
        }
      }
    }
  }
  rows.recordCount = lines.length;
  let text = lines.join('');
  // Text PostgreSQL would refuse is rare: one search of the whole batch's text, and only when it
  // finds some, a search of each line and a clean copy of the records whose lines have it.
  if (needsSanitizing(text)) text = cleanLines(batch, lines, common).join('');
  rows.copyBytes = Buffer.from(text);
  rows.volume = volume.rows();
  rows.correlations = correlationLinksOfLogs(batch.resourceLogs).map((link) => sanitizeJson(link));
  return rows;
}

/**
 * The lines of the records whose text PostgreSQL would refuse (see needsSanitizing) made again from
 * a clean copy of the record; the others as they are. No match of that search can span two columns
 * (the tab between them is in no pattern), and the number columns and terms (tokens hold no NUL and
 * no backslash) cannot match, so a line that has one has a text column that needs cleaning.
 */
function cleanLines(batch: LogBatch, lines: string[], common: ReadonlySet<string>): string[] {
  let index = 0;
  for (const rl of batch.resourceLogs) {
    const resource = resourceRow(rl.resource, rl.serviceName, rl.schemaUrl);
    const service = cleanText(copyText(resource.serviceName));
    for (const sl of rl.scopeLogs) {
      const ids = `\t${resource.id}\t${scopeRow(sl.scope).id}\t`;
      for (const record of sl.records) {
        if (needsSanitizing(lines[index]!)) {
          const clean = sanitizeJson(record);
          lines[index] = logLine(clean, service, ids, indexedTermsLiteral(logTokens(clean.body), common));
        }
        index++;
      }
    }
  }
  return lines;
}

/** A record's COPY line. */
function logLine(record: LogRecord, service: string, resourceAndScope: string, terms: string): string {
  const severityText = copyNullableText(record.severityText);
  const body = copyText(record.body);
  const traceId = record.traceId ? copyByteaFromHex(record.traceId) : COPY_NULL;
  const spanId = record.spanId ? copyByteaFromHex(record.spanId) : COPY_NULL;
  const correlationId = copyNullableText(record.correlationId);
  const eventName = copyNullableText(record.eventName);
  const attributes = copyJson(JSON.stringify(record.attributes));
  return (
    effectiveTimeNs(record) +
    '\t' +
    record.observedTimeUnixNano +
    '\t' +
    service +
    '\t' +
    record.severityNumber +
    '\t' +
    severityText +
    '\t' +
    body +
    '\t' +
    traceId +
    '\t' +
    spanId +
    '\t' +
    correlationId +
    '\t' +
    record.flags +
    '\t' +
    eventName +
    resourceAndScope +
    attributes +
    '\t' +
    record.droppedAttributesCount +
    '\t' +
    terms +
    '\n'
  );
}

/** Several accepted batches as one write. */
export function mergeLogRows(parts: readonly LogRows[]): LogRows {
  if (parts.length === 1) return parts[0]!;
  const merged: LogRows = {
    copyBytes: Buffer.concat(parts.map((p) => p.copyBytes)),
    recordCount: 0,
    days: new Set(),
    resources: new Map(),
    scopes: new Map(),
    correlations: [],
    volume: [],
  };
  const volume = new VolumeCounter();
  for (const part of parts) {
    volume.addAll(part.volume);
    merged.recordCount += part.recordCount;
    for (const day of part.days) merged.days.add(day);
    for (const [id, row] of part.resources) merged.resources.set(id, row);
    for (const [id, row] of part.scopes) merged.scopes.set(id, row);
    merged.correlations.push(...part.correlations);
  }
  merged.volume = volume.rows();
  return merged;
}

/** Two halves by line, to isolate a row the database refuses; correlations go with the first. */
export function splitLogRows(rows: LogRows): [LogRows, LogRows] {
  const lines = copyLineCount(rows.copyBytes);
  const half = Math.ceil(lines / 2);
  const [first, second] = splitCopyBytes(rows.copyBytes, half);
  return [
    { ...rows, copyBytes: first, recordCount: half, correlations: rows.correlations, volume: volumeOfCopyText(first.toString()) },
    { ...rows, copyBytes: second, recordCount: lines - half, correlations: [], volume: volumeOfCopyText(second.toString()) },
  ];
}

/** Approximate memory held (the COPY bytes; dictionary rows are small). */
export function logRowsBytes(rows: LogRows): number {
  return rows.copyBytes.length + (rows.resources.size + rows.scopes.size) * 256 + rows.correlations.length * 128;
}

export function describeLogRows(rows: LogRows): string {
  const newline = rows.copyBytes.indexOf(0x0a);
  const first = rows.copyBytes.toString('utf8', 0, Math.min(newline < 0 ? rows.copyBytes.length : newline, 1200));
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

interface LogRowsJson {
  /** COPY columns per line; absent in spools written before `terms` (15 columns). */
  columns?: number;
  copyText: string;
  recordCount: number;
  days: number[];
  resources: Array<Omit<ResourceRow, 'id'> & { id: string }>;
  scopes: Array<Omit<ScopeRow, 'id'> & { id: string }>;
  correlations: Array<Omit<CorrelationLink, 'firstSeenNs'> & { firstSeenNs: string }>;
  /** Absent in spools and write-ahead logs from before the volume rollup: counted from the COPY text. */
  volume?: VolumeCount[];
}

/** For the shutdown spool: bigints as decimal strings. */
export function logRowsToJson(rows: LogRows): LogRowsJson {
  return {
    columns: LOG_COPY_COLUMNS.length,
    copyText: rows.copyBytes.toString(),
    recordCount: rows.recordCount,
    days: [...rows.days],
    resources: [...rows.resources.values()].map((r) => ({ ...r, id: r.id.toString() })),
    scopes: [...rows.scopes.values()].map((s) => ({ ...s, id: s.id.toString() })),
    correlations: rows.correlations.map((c) => ({ ...c, firstSeenNs: c.firstSeenNs.toString() })),
    volume: rows.volume,
  };
}

export function logRowsFromJson(value: unknown): LogRows {
  const json = value as LogRowsJson;
  return rowsOf(json, Buffer.from(json.columns === LOG_COPY_COLUMNS.length ? json.copyText : withTermsColumn(json.copyText)));
}

/** The write-ahead log's binary form (copyBytesToBinary): the COPY bytes as they are. */
export function logRowsToBinary(rows: LogRows): Buffer[] {
  return copyBytesToBinary({ ...logRowsToJson({ ...rows, copyBytes: EMPTY }), copyText: undefined }, rows.copyBytes);
}

export function logRowsFromBinary(bytes: Buffer): LogRows {
  const { header, copyBytes } = copyBytesFromBinary(bytes);
  return rowsOf(header as Omit<LogRowsJson, 'copyText'>, copyBytes);
}

/** The rows of a spooled or logged header and their COPY bytes; a header from before the volume rollup gets it counted from the bytes. */
function rowsOf(json: Omit<LogRowsJson, 'copyText'>, copyBytes: Buffer): LogRows {
  return {
    copyBytes,
    volume: json.volume ?? volumeOfCopyText(copyBytes.toString()),
    recordCount: json.recordCount,
    days: new Set(json.days),
    resources: new Map(json.resources.map((r) => [BigInt(r.id), { ...r, id: BigInt(r.id) }])),
    scopes: new Map(json.scopes.map((s) => [BigInt(s.id), { ...s, id: BigInt(s.id) }])),
    correlations: json.correlations.map((c) => ({ ...c, firstSeenNs: BigInt(c.firstSeenNs) })),
  };
}

const TIME_COLUMN = LOG_COPY_COLUMNS.indexOf('time_ns');
const SERVICE_COLUMN = LOG_COPY_COLUMNS.indexOf('service_name');
const SEVERITY_COLUMN = LOG_COPY_COLUMNS.indexOf('severity_number');

/** The volume counts of COPY lines read back (a bisected half, rows from before the rollup). */
function volumeOfCopyText(copyText: string): VolumeCount[] {
  const tally = new VolumeTally();
  for (const line of copyText.split('\n')) {
    if (line === '') continue;
    const columns = line.split('\t');
    tally.count(BigInt(columns[TIME_COLUMN]!), fromCopyText(columns[SERVICE_COLUMN]!), Number(columns[SEVERITY_COLUMN]));
  }
  return tally.rows();
}

const BODY_COLUMN = LOG_COPY_COLUMNS.indexOf('body');

/** Lines written before `terms` existed (a spool or write-ahead log from before): every term indexed. */
function withTermsColumn(copyText: string): string {
  return copyText.replace(/^(.*)$/gm, (line) => {
    if (line === '') return line;
    const body = fromCopyText(line.split('\t')[BODY_COLUMN]!);
    return `${line}\t${indexedTermsLiteral(logTokens(body), NO_COMMON_TERMS)}`;
  });
}
