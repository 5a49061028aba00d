// Decodes a Loki push request in JSON (`POST /loki/api/v1/push`, `application/json`) into a LogBatch:
//   {"streams":[{"stream":{"job":"api"},"values":[["<unix ns>","<line>",{"trace_id":"…"}]]}]}
// The third element of a value is optional structured metadata (Loki 3). The legacy form
//   {"streams":[{"labels":"{job=\"api\"}","entries":[{"ts":"2024-05-01T10:00:00Z","line":"…"}]}]}
// that older promtail versions send is accepted too.
// https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
import type { Attributes, Nanos } from '../../../lib/domain/model';
import { countLogRecords, type LogBatch, type LogRecord, type ResourceLogs } from '../../../lib/domain/logs/model';
import { parseTimestampNs } from '../../../lib/domain/logs/json-log-record';
import { cleanText } from '../../../lib/domain/logs/text';
import { setAttribute } from '../otlp/attribute-values';
import { expectArray, expectObject, jsonString } from '../otlp/json-values';
import { MalformedPayloadError, asMalformed, rethrowWithin } from '../otlp/malformed';
import { lokiRecord, parseLokiLabels, streamResourceLogs, type LokiDecodeOptions } from './loki-streams';

export function decodeLokiPushJson(body: string, options: LokiDecodeOptions): LogBatch {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (error) {
    throw new MalformedPayloadError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const resourceLogs: ResourceLogs[] = [];
  try {
    const request = expectObject(root, 'a Loki push request');
    const streams = request.streams;
    if (streams === undefined || streams === null) throw new MalformedPayloadError('a Loki push request needs "streams"');
    try {
      const list = expectArray(streams);
      for (let i = 0; i < list.length; i++) {
        try {
          resourceLogs.push(decodeStream(list[i], options));
        } catch (error) {
          rethrowWithin(error, `[${i}]`);
        }
      }
    } catch (error) {
      rethrowWithin(error, 'streams');
    }
  } catch (error) {
    throw asMalformed(error);
  }
  return { resourceLogs, recordCount: countLogRecords(resourceLogs), rejectedRecords: 0, rejectionMessage: '' };
}

function decodeStream(input: unknown, options: LokiDecodeOptions): ResourceLogs {
  const o = expectObject(input, 'a stream');
  let labels: Attributes = {};
  if (o.stream != null) {
    try {
      labels = stringMap(o.stream, 'a label set');
    } catch (error) {
      rethrowWithin(error, 'stream');
    }
  } else if (o.labels != null) {
    try {
      labels = parseLokiLabels(jsonString(o.labels));
    } catch (error) {
      rethrowWithin(error, 'labels');
    }
  }
  const records: LogRecord[] = [];
  if (o.values != null) {
    const values = expectArrayAt(o.values, 'values');
    for (let i = 0; i < values.length; i++) {
      try {
        records.push(decodeValue(values[i], labels, options));
      } catch (error) {
        rethrowWithin(error, `values[${i}]`);
      }
    }
  } else if (o.entries != null) {
    const entries = expectArrayAt(o.entries, 'entries');
    for (let i = 0; i < entries.length; i++) {
      try {
        const entry = expectObject(entries[i], 'an entry');
        const line = entry.line == null ? '' : jsonString(entry.line);
        records.push(lokiRecord(timestamp(entry.ts ?? entry.timestamp), line, {}, labels, options));
      } catch (error) {
        rethrowWithin(error, `entries[${i}]`);
      }
    }
  }
  return streamResourceLogs(labels, records);
}

function decodeValue(input: unknown, labels: Attributes, options: LokiDecodeOptions): LogRecord {
  const value = expectArray(input);
  if (value.length < 2 || value.length > 3) {
    throw new MalformedPayloadError(`expected ["<unix ns>", "<line>"] or ["<unix ns>", "<line>", {metadata}], got ${value.length} elements`);
  }
  const metadata = value[2] == null ? {} : stringMap(value[2], 'structured metadata');
  return lokiRecord(timestamp(value[0]), jsonString(value[1]), metadata, labels, options);
}

function timestamp(value: unknown): Nanos {
  const ns = parseTimestampNs(value);
  if (ns === undefined) throw new MalformedPayloadError(`expected a timestamp (Unix nanoseconds as a string), got ${JSON.stringify(value)?.slice(0, 40)}`);
  return ns;
}

function stringMap(input: unknown, what: string): Attributes {
  const o = expectObject(input, what);
  const out: Attributes = {};
  for (const key in o) {
    const value = o[key];
    if (typeof value !== 'string') throw new MalformedPayloadError(`${what}: value of ${JSON.stringify(key)} must be a string`);
    setAttribute(out, cleanText(key), cleanText(value));
  }
  return out;
}

function expectArrayAt(value: unknown, key: string): unknown[] {
  try {
    return expectArray(value);
  } catch (error) {
    rethrowWithin(error, key);
  }
}
