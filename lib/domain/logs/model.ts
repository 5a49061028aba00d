// The logs signal's internal model: what every log transport (OTLP protobuf and JSON, Loki push,
// JSON lines) decodes into and what the row encoder, the store and the query side speak. It follows
// OTLP's LogsData (opentelemetry-proto logs/v1/logs.proto) so the OTLP decoders map field by field,
// with three Meshlight additions resolved at decode time: the body is always text (a structured
// body is its JSON), the service name is lifted out of the resource, and the correlation id (an
// application request id that is *not* the trace id) is extracted beside the trace and span ids.
// Pure types and tiny helpers only; no I/O.
import type { Attributes, InstrumentationScope, Nanos, Resource } from '../model';

export interface LogRecord {
  /** When the event happened; 0n when the source did not say (then observedTimeUnixNano is used). */
  timeUnixNano: Nanos;
  /** When a collector first saw it; decoders fill it with the receive time when absent. */
  observedTimeUnixNano: Nanos;
  /** OTLP SeverityNumber 0..24 (0 = unspecified); see severity.ts. */
  severityNumber: number;
  /** As sent ("INFO", "warn", "Information"), or '' . */
  severityText: string;
  /** The message; a structured OTLP body (kvlist, array, number…) is kept as its JSON text. */
  body: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  /** 32 lowercase hex characters, or '' when the record has no usable trace id. */
  traceId: string;
  /** 16 lowercase hex characters, or ''. */
  spanId: string;
  /** The application's request/correlation id, or ''. */
  correlationId: string;
  /** W3C trace flags (low byte of OTLP LogRecord.flags). */
  flags: number;
  /** OTLP LogRecord.event_name, or ''. */
  eventName: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  schemaUrl: string;
  records: LogRecord[];
}

export interface ResourceLogs {
  resource: Resource;
  /** `service.name` of the resource, or 'unknown_service' (see serviceNameOf in ../model). */
  serviceName: string;
  schemaUrl: string;
  scopeLogs: ScopeLogs[];
}

/** What every logs decoder hands to the pipeline. */
export interface LogBatch {
  resourceLogs: ResourceLogs[];
  recordCount: number;
  /** Records (or JSON lines) refused as invalid: OTLP partial_success / a 400 naming them. */
  rejectedRecords: number;
  rejectionMessage: string;
}

export function emptyLogRecord(): LogRecord {
  return {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: '',
    attributes: {},
    droppedAttributesCount: 0,
    traceId: '',
    spanId: '',
    correlationId: '',
    flags: 0,
    eventName: '',
  };
}

export function countLogRecords(resourceLogs: readonly ResourceLogs[]): number {
  let n = 0;
  for (const rl of resourceLogs) for (const sl of rl.scopeLogs) n += sl.records.length;
  return n;
}

/** The time a record is stored and sorted under: its own time, else when it was observed. */
export function effectiveTimeNs(record: LogRecord): Nanos {
  return record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
}

export function allLogRecords(batch: LogBatch): LogRecord[] {
  return batch.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.records));
}
