// What the Loki push decoders (JSON and protobuf) share: parsing a stream's label string
// (`{job="api", env="prod"}`, Prometheus label syntax with Go string escapes), turning a stream into
// a ResourceLogs (labels → resource attributes; `service_name`, `service`, `job`, `app` → service),
// and turning one entry into a LogRecord: structured metadata → attributes; severity from a `level`
// label or metadata; trace, span and correlation ids from the metadata or, when the line is itself
// JSON or logfmt (what promtail ships from pino, zap, logrus), from the line's fields. The line is
// stored as is: Loki keeps lines verbatim and so do we.
// API: https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
import type { Attributes, Nanos } from '../../../lib/domain/model';
import { extractCorrelation, type CorrelationOptions } from '../../../lib/domain/logs/correlation';
import { emptyLogRecord, type LogRecord, type ResourceLogs } from '../../../lib/domain/logs/model';
import { severityOfLevel } from '../../../lib/domain/logs/severity';
import { cleanText } from '../../../lib/domain/logs/text';
import { setAttribute } from '../otlp/attribute-values';
import { MalformedPayloadError } from '../otlp/malformed';

export interface LokiDecodeOptions extends CorrelationOptions {
  /** Receive time: the observed time of every entry, and the time of an entry sent without one. */
  receivedNs: Nanos;
}

export const LOKI_SERVICE_LABELS = ['service_name', 'service', 'job', 'app', 'application', 'container'] as const;
const LEVEL_LABELS = ['level', 'detected_level', 'severity', 'lvl'] as const;

/** Parses `{name="value", …}`; throws MalformedPayloadError on anything else. */
export function parseLokiLabels(text: string): Attributes {
  const labels: Attributes = {};
  let i = skipSpaces(text, 0);
  if (text[i] !== '{') throw labelError(text, i, 'expected "{"');
  i = skipSpaces(text, i + 1);
  if (text[i] === '}') return endOf(text, i, labels);
  for (;;) {
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_.]*/.exec(text.slice(i));
    if (!nameMatch) throw labelError(text, i, 'expected a label name');
    const name = nameMatch[0];
    i = skipSpaces(text, i + name.length);
    if (text[i] !== '=') throw labelError(text, i, 'expected "="');
    i = skipSpaces(text, i + 1);
    if (text[i] !== '"') throw labelError(text, i, 'expected a quoted value');
    let value = '';
    i++;
    for (;;) {
      if (i >= text.length) throw labelError(text, i, 'unterminated value');
      const c = text[i]!;
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next === undefined ? '' : next;
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    setAttribute(labels, cleanText(name), cleanText(value));
    i = skipSpaces(text, i + 1);
    if (text[i] === ',') {
      i = skipSpaces(text, i + 1);
      if (text[i] === '}') return endOf(text, i, labels);
      continue;
    }
    if (text[i] === '}') return endOf(text, i, labels);
    throw labelError(text, i, 'expected "," or "}"');
  }
}

function endOf(text: string, i: number, labels: Attributes): Attributes {
  if (skipSpaces(text, i + 1) !== text.length) throw labelError(text, i + 1, 'unexpected text after "}"');
  return labels;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n')) i++;
  return i;
}

function labelError(text: string, at: number, detail: string): MalformedPayloadError {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return new MalformedPayloadError(`invalid stream labels ${JSON.stringify(shown)}: ${detail} at character ${at}`);
}

export function serviceOfLabels(labels: Attributes): string {
  for (const key of LOKI_SERVICE_LABELS) {
    const value = labels[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return 'unknown_service';
}

export function streamResourceLogs(labels: Attributes, records: LogRecord[]): ResourceLogs {
  return {
    resource: { attributes: labels, droppedAttributesCount: 0 },
    serviceName: serviceOfLabels(labels),
    schemaUrl: '',
    scopeLogs: [{ scope: { name: '', version: '', attributes: {} }, schemaUrl: '', records }],
  };
}

/** One Loki entry as a LogRecord; `metadata` is its structured metadata (may be empty). */
export function lokiRecord(
  timeNs: Nanos,
  line: string,
  metadata: Attributes,
  labels: Attributes,
  options: LokiDecodeOptions,
): LogRecord {
  const record = emptyLogRecord();
  record.timeUnixNano = timeNs > 0n ? timeNs : options.receivedNs;
  record.observedTimeUnixNano = options.receivedNs;
  record.body = cleanText(line);
  record.attributes = metadata;
  const lineFields = fieldsOfLine(record.body);
  for (const source of [metadata, labels, lineFields]) {
    if (record.severityNumber !== 0) break;
    for (const key of LEVEL_LABELS) {
      const severity = severityOfLevel(source[key]);
      if (severity) {
        record.severityNumber = severity.number;
        record.severityText = cleanText(severity.text);
        break;
      }
    }
  }
  extractCorrelation(record, metadata, options);
  if (record.traceId === '' || record.spanId === '' || record.correlationId === '') {
    extractCorrelation(record, lineFields, options);
  }
  return record;
}

/** The top-level fields of a JSON-object or logfmt line ({} for anything else). Never throws. */
export function fieldsOfLine(line: string): Attributes {
  const first = line.trimStart()[0];
  if (first === '{') {
    try {
      const parsed: unknown = JSON.parse(line);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Attributes) : {};
    } catch {
      return {};
    }
  }
  if (!line.includes('=')) return {};
  const fields: Attributes = {};
  for (const match of line.matchAll(/([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)/g)) {
    const raw = match[2]!;
    setAttribute(fields, match[1]!, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
  }
  return fields;
}
