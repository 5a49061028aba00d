// Decodes newline-delimited JSON logs (`POST /logs/jsonl?service=<name>`): one JSON object per line,
// as pino, bunyan and winston write them (see lib/domain/logs/json-log-record.ts for the shapes).
// One bad line does not sink the request: it is reported by line number (1-based) and the good lines
// are kept. `?service=` names the service for every line; without it a line's own `service.name` /
// `service` field is used, else `unknown_service`.
import { UNKNOWN_SERVICE } from '../../../lib/domain/model';
import { logRecordFromJson, type JsonLogOptions } from '../../../lib/domain/logs/json-log-record';
import type { LogBatch, LogRecord, ResourceLogs } from '../../../lib/domain/logs/model';

export interface JsonLinesOptions extends JsonLogOptions {
  /** From `?service=`; '' when absent. */
  service: string;
}

export interface LineError {
  line: number;
  message: string;
}

export interface JsonLinesResult {
  batch: LogBatch;
  lineErrors: LineError[];
}

/** How many line errors are listed back; the rest are only counted. */
export const MAX_REPORTED_LINE_ERRORS = 20;

export function decodeJsonLines(text: string, options: JsonLinesOptions): JsonLinesResult {
  const byService = new Map<string, LogRecord[]>();
  const lineErrors: LineError[] = [];
  let rejected = 0;
  let start = 0;
  let lineNumber = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    const problem = decodeLine(line, options, byService);
    if (problem !== undefined) {
      rejected++;
      if (lineErrors.length < MAX_REPORTED_LINE_ERRORS) lineErrors.push({ line: lineNumber, message: problem });
    }
  }
  const resourceLogs: ResourceLogs[] = [];
  let recordCount = 0;
  for (const [service, records] of byService) {
    recordCount += records.length;
    resourceLogs.push({
      resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 },
      serviceName: service,
      schemaUrl: '',
      scopeLogs: [{ scope: { name: '', version: '', attributes: {} }, schemaUrl: '', records }],
    });
  }
  const rejectionMessage = lineErrors.map((e) => `line ${e.line}: ${e.message}`).join('; ');
  return { batch: { resourceLogs, recordCount, rejectedRecords: rejected, rejectionMessage }, lineErrors };
}

function decodeLine(line: string, options: JsonLinesOptions, byService: Map<string, LogRecord[]>): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return `expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`;
  }
  const { record, service } = logRecordFromJson(parsed as Record<string, unknown>, line, options);
  const name = options.service || service || UNKNOWN_SERVICE;
  let records = byService.get(name);
  if (!records) byService.set(name, (records = []));
  records.push(record);
  return undefined;
}
