// Decodes a Loki push request in protobuf (`POST /loki/api/v1/push`, `application/x-protobuf`,
// snappy block-compressed — what promtail, Grafana Alloy and Fluent Bit's Loki output send).
// Schema: grafana/loki pkg/push/push.proto:
//   PushRequest     { repeated StreamAdapter streams = 1; }
//   StreamAdapter   { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
//   EntryAdapter    { google.protobuf.Timestamp timestamp = 1; string line = 2;
//                     repeated LabelPairAdapter structuredMetadata = 3; }
//   LabelPairAdapter{ string name = 1; string value = 2; }
//   Timestamp       { int64 seconds = 1; int32 nanos = 2; }
import { uncompressSync } from 'snappy';
import type { Attributes, Nanos } from '../../../lib/domain/model';
import { countLogRecords, type LogBatch, type LogRecord, type ResourceLogs } from '../../../lib/domain/logs/model';
import { cleanText } from '../../../lib/domain/logs/text';
import { setAttribute } from '../otlp/attribute-values';
import { MalformedPayloadError, asMalformed, rethrowWithin } from '../otlp/malformed';
import { ProtobufReader } from '../otlp/protobuf-reader';
import { lokiRecord, parseLokiLabels, streamResourceLogs, type LokiDecodeOptions } from './loki-streams';

/** Snappy block format (not framed), as Loki's push API expects. */
export function uncompressLokiBody(body: Uint8Array, maxBytes: number): Uint8Array {
  let out: Buffer;
  try {
    out = uncompressSync(Buffer.from(body.buffer, body.byteOffset, body.byteLength)) as Buffer;
  } catch (error) {
    throw new MalformedPayloadError(`invalid snappy block: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (out.length > maxBytes) throw new MalformedPayloadError(`decompressed body is ${out.length} bytes, over the ${maxBytes}-byte limit`);
  return out;
}

export function decodeLokiPushProto(bytes: Uint8Array, options: LokiDecodeOptions): LogBatch {
  const r = new ProtobufReader(bytes);
  const resourceLogs: ResourceLogs[] = [];
  try {
    while (r.hasMore()) {
      const tag = r.readTag();
      if (tag >>> 3 === 1) {
        const index = resourceLogs.length;
        try {
          resourceLogs.push(decodeStream(r, tag, options));
        } catch (error) {
          rethrowWithin(error, `streams[${index}]`);
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

interface RawEntry {
  timeNs: Nanos;
  line: string;
  metadata: Attributes;
}

function decodeStream(r: ProtobufReader, tag: number, options: LokiDecodeOptions): ResourceLogs {
  const outer = r.enter(tag);
  let labelText = '{}';
  const entries: RawEntry[] = [];
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        labelText = r.string(t);
        break;
      case 2:
        try {
          entries.push(decodeEntry(r, t));
        } catch (error) {
          rethrowWithin(error, `entries[${entries.length}]`);
        }
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  let labels: Attributes;
  try {
    labels = parseLokiLabels(labelText);
  } catch (error) {
    rethrowWithin(error, 'labels');
  }
  const records: LogRecord[] = entries.map((e) => lokiRecord(e.timeNs, e.line, e.metadata, labels, options));
  return streamResourceLogs(labels, records);
}

function decodeEntry(r: ProtobufReader, tag: number): RawEntry {
  const outer = r.enter(tag);
  const entry: RawEntry = { timeNs: 0n, line: '', metadata: {} };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        entry.timeNs = decodeTimestamp(r, t);
        break;
      case 2:
        entry.line = r.string(t);
        break;
      case 3: {
        const pair = r.enter(t);
        let name = '';
        let value = '';
        while (r.hasMore()) {
          const p = r.readTag();
          if (p >>> 3 === 1) name = r.repeatedString(p);
          else if (p >>> 3 === 2) value = r.string(p);
          else r.skip(p);
        }
        r.leave(pair);
        setAttribute(entry.metadata, cleanText(name), cleanText(value));
        break;
      }
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return entry;
}

function decodeTimestamp(r: ProtobufReader, tag: number): Nanos {
  const outer = r.enter(tag);
  let seconds: number | bigint = 0;
  let nanos = 0;
  while (r.hasMore()) {
    const t = r.readTag();
    if (t >>> 3 === 1) seconds = r.int64(t);
    else if (t >>> 3 === 2) nanos = r.int32(t);
    else r.skip(t);
  }
  r.leave(outer);
  const ns = BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
  return ns > 0n ? ns : 0n;
}
