// Decodes an OTLP/JSON ExportLogsServiceRequest (OTLP/HTTP `POST /v1/logs`, `application/json`) into
// the same LogBatch the protobuf decoder produces for the same request.
// Spec: https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding — the same rules as
// decode-trace-json.ts (camelCase or snake_case names, null = unset, unknown fields ignored, wrong
// types refused with the field's path), whose resource, scope and attribute readers it reuses.
import { serviceNameOf, type AttributeValue, type InstrumentationScope, type Resource } from '../../../lib/domain/model';
import { countLogRecords, emptyLogRecord, type LogBatch, type LogRecord, type ResourceLogs, type ScopeLogs } from '../../../lib/domain/logs/model';
import {
  decodeAnyValueJson as decodeAnyValue,
  decodeAttributesJsonInto as decodeAttributesInto,
  decodeResourceJsonInto as decodeResourceInto,
  decodeScopeJsonInto as decodeScopeInto,
} from '../../../lib/otlp/otlp-common';
import { expectArray, expectObject, jsonEnum, jsonHexId, jsonString, jsonUint32, jsonUint64 } from './json-values';
import { finishOtlpLogRecord, type LogDecodeOptions } from './log-rules';
import { MalformedPayloadError, asMalformed, rethrowWithin } from './malformed';

/** SeverityNumber names (logs.proto), index = value. */
const SEVERITY_NUMBER_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((name) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${name}${n}`),
  ),
];

export function decodeLogsRequestJson(body: string, options: LogDecodeOptions = {}): LogBatch {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (error) {
    throw new MalformedPayloadError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const resourceLogs: ResourceLogs[] = [];
  try {
    const request = expectObject(root, 'an ExportLogsServiceRequest');
    for (const key in request) {
      const value = request[key];
      if (value === null || (key !== 'resourceLogs' && key !== 'resource_logs')) continue;
      try {
        const list = expectArray(value);
        for (let i = 0; i < list.length; i++) {
          try {
            resourceLogs.push(decodeResourceLogs(list[i], options));
          } catch (error) {
            rethrowWithin(error, `[${i}]`);
          }
        }
      } catch (error) {
        rethrowWithin(error, key);
      }
    }
  } catch (error) {
    throw asMalformed(error);
  }
  return { resourceLogs, recordCount: countLogRecords(resourceLogs), rejectedRecords: 0, rejectionMessage: '' };
}

function decodeResourceLogs(input: unknown, options: LogDecodeOptions): ResourceLogs {
  const o = expectObject(input, 'a ResourceLogs');
  const resource: Resource = { attributes: {}, droppedAttributesCount: 0 };
  const scopeLogs: ScopeLogs[] = [];
  let schemaUrl = '';
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'resource':
          decodeResourceInto(value, resource);
          break;
        case 'scopeLogs':
        case 'scope_logs': {
          const list = expectArray(value);
          for (let i = 0; i < list.length; i++) {
            try {
              scopeLogs.push(decodeScopeLogs(list[i], options));
            } catch (error) {
              rethrowWithin(error, `[${i}]`);
            }
          }
          break;
        }
        case 'schemaUrl':
        case 'schema_url':
          schemaUrl = jsonString(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  return { resource, serviceName: serviceNameOf(resource.attributes), schemaUrl, scopeLogs };
}

function decodeScopeLogs(input: unknown, options: LogDecodeOptions): ScopeLogs {
  const o = expectObject(input, 'a ScopeLogs');
  const scope: InstrumentationScope = { name: '', version: '', attributes: {} };
  const records: LogRecord[] = [];
  let schemaUrl = '';
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'scope':
          decodeScopeInto(value, scope);
          break;
        case 'logRecords':
        case 'log_records': {
          const list = expectArray(value);
          for (let i = 0; i < list.length; i++) {
            try {
              records.push(decodeLogRecord(list[i], options));
            } catch (error) {
              rethrowWithin(error, `[${i}]`);
            }
          }
          break;
        }
        case 'schemaUrl':
        case 'schema_url':
          schemaUrl = jsonString(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  return { scope, schemaUrl, records };
}

function decodeLogRecord(input: unknown, options: LogDecodeOptions): LogRecord {
  const o = expectObject(input, 'a LogRecord');
  const record = emptyLogRecord();
  let body: AttributeValue = null;
  for (const key in o) {
    const value = o[key];
    if (value === null) continue;
    try {
      switch (key) {
        case 'timeUnixNano':
        case 'time_unix_nano':
          record.timeUnixNano = jsonUint64(value);
          break;
        case 'observedTimeUnixNano':
        case 'observed_time_unix_nano':
          record.observedTimeUnixNano = jsonUint64(value);
          break;
        case 'severityNumber':
        case 'severity_number':
          record.severityNumber = jsonEnum(value, SEVERITY_NUMBER_NAMES);
          break;
        case 'severityText':
        case 'severity_text':
          record.severityText = jsonString(value);
          break;
        case 'body':
          body = decodeAnyValue(value, 0);
          break;
        case 'attributes':
          decodeAttributesInto(value, record.attributes);
          break;
        case 'droppedAttributesCount':
        case 'dropped_attributes_count':
          record.droppedAttributesCount = jsonUint32(value);
          break;
        case 'flags':
          record.flags = jsonUint32(value);
          break;
        case 'traceId':
        case 'trace_id':
          record.traceId = jsonHexId(value) ?? ''; // not hex: no usable trace id, the log is kept
          break;
        case 'spanId':
        case 'span_id':
          record.spanId = jsonHexId(value) ?? '';
          break;
        case 'eventName':
        case 'event_name':
          record.eventName = jsonString(value);
          break;
      }
    } catch (error) {
      rethrowWithin(error, key);
    }
  }
  finishOtlpLogRecord(record, body, options);
  return record;
}
