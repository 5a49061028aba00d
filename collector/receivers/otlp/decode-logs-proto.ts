// Decodes a binary protobuf opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest (OTLP/gRPC
// LogsService/Export and OTLP/HTTP `POST /v1/logs` with `application/x-protobuf`) into a LogBatch.
// Spec: https://opentelemetry.io/docs/specs/otlp/#binary-protobuf-encoding
// Schema: opentelemetry-proto logs/v1/logs.proto, collector/logs/v1/logs_service.proto; resource,
// scope and attribute messages are read by the same functions the trace decoder uses.
// Unknown fields are skipped; a malformed buffer throws MalformedPayloadError naming path and offset.
import { serviceNameOf, type AttributeValue, type InstrumentationScope, type Resource } from '../../../lib/domain/model';
import { countLogRecords, emptyLogRecord, type LogBatch, type LogRecord, type ResourceLogs, type ScopeLogs } from '../../../lib/domain/logs/model';
import { decodeAnyValue, decodeKeyValueInto, decodeResourceInto, decodeScopeInto } from '../../../lib/otlp/otlp-common';
import { finishOtlpLogRecord, type LogDecodeOptions } from './log-rules';
import { asMalformed, rethrowWithin } from './malformed';
import { ProtobufReader } from './protobuf-reader';

export function decodeLogsRequestProto(bytes: Uint8Array, options: LogDecodeOptions = {}): LogBatch {
  const r = new ProtobufReader(bytes);
  const resourceLogs: ResourceLogs[] = [];
  try {
    // ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
    while (r.hasMore()) {
      const tag = r.readTag();
      if (tag >>> 3 === 1) {
        const index = resourceLogs.length;
        try {
          resourceLogs.push(decodeResourceLogs(r, tag, options));
        } catch (error) {
          rethrowWithin(error, `resourceLogs[${index}]`);
        }
      } else {
        r.skip(tag);
      }
    }
  } catch (error) {
    throw asMalformed(error);
  }
  return { resourceLogs, recordCount: countLogRecords(resourceLogs), rejectedRecords: 0, rejectionMessage: '' };
}

// ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
function decodeResourceLogs(r: ProtobufReader, tag: number, options: LogDecodeOptions): ResourceLogs {
  const outer = r.enter(tag);
  const resource: Resource = { attributes: {}, droppedAttributesCount: 0 };
  const scopeLogs: ScopeLogs[] = [];
  let schemaUrl = '';
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        try {
          decodeResourceInto(r, t, resource);
        } catch (error) {
          rethrowWithin(error, 'resource');
        }
        break;
      case 2: {
        const index = scopeLogs.length;
        try {
          scopeLogs.push(decodeScopeLogs(r, t, options));
        } catch (error) {
          rethrowWithin(error, `scopeLogs[${index}]`);
        }
        break;
      }
      case 3:
        schemaUrl = r.string(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return { resource, serviceName: serviceNameOf(resource.attributes), schemaUrl, scopeLogs };
}

// ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
function decodeScopeLogs(r: ProtobufReader, tag: number, options: LogDecodeOptions): ScopeLogs {
  const outer = r.enter(tag);
  const scope: InstrumentationScope = { name: '', version: '', attributes: {} };
  const records: LogRecord[] = [];
  let schemaUrl = '';
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        try {
          decodeScopeInto(r, t, scope);
        } catch (error) {
          rethrowWithin(error, 'scope');
        }
        break;
      case 2:
        try {
          records.push(decodeLogRecord(r, t, options));
        } catch (error) {
          rethrowWithin(error, `logRecords[${records.length}]`);
        }
        break;
      case 3:
        schemaUrl = r.string(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return { scope, schemaUrl, records };
}

// LogRecord: see logs.proto; the field number is in each case label.
function decodeLogRecord(r: ProtobufReader, tag: number, options: LogDecodeOptions): LogRecord {
  const outer = r.enter(tag);
  const record = emptyLogRecord();
  let body: AttributeValue = null;
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1: // fixed64 time_unix_nano
        record.timeUnixNano = r.fixed64(t);
        break;
      case 11: // fixed64 observed_time_unix_nano
        record.observedTimeUnixNano = r.fixed64(t);
        break;
      case 2: // SeverityNumber severity_number
        record.severityNumber = r.int32(t);
        break;
      case 3: // string severity_text
        record.severityText = r.repeatedString(t);
        break;
      case 5: // AnyValue body
        try {
          body = decodeAnyValue(r, t, 0);
        } catch (error) {
          rethrowWithin(error, 'body');
        }
        break;
      case 6: // repeated KeyValue attributes
        try {
          decodeKeyValueInto(r, t, record.attributes, 0);
        } catch (error) {
          rethrowWithin(error, 'attributes');
        }
        break;
      case 7: // uint32 dropped_attributes_count
        record.droppedAttributesCount = r.uint32(t);
        break;
      case 8: // fixed32 flags
        record.flags = r.fixed32(t);
        break;
      case 9: // bytes trace_id
        record.traceId = r.hex(t);
        break;
      case 10: // bytes span_id
        record.spanId = r.hex(t);
        break;
      case 12: // string event_name
        record.eventName = r.repeatedString(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  finishOtlpLogRecord(record, body, options);
  return record;
}
