import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressSync } from 'snappy';
import { statusForError } from '../pipeline/errors';
import { decodeLogsRequest, encodeLogsResponseJson, encodeLogsResponseProto, logsFormatOfPath, type LogsRequest } from './logs-intake';
import { decodeLogsRequestProto } from './otlp/decode-logs-proto';

const base = { receivedNs: 1n, maxBodyBytes: 1 << 20, search: new URLSearchParams() };
const text = (s: string) => new TextEncoder().encode(s);
const req = (r: Partial<LogsRequest> & Pick<LogsRequest, 'format' | 'body'>): LogsRequest => ({ contentType: 'application/json', ...base, ...r });

function statusOf(fn: () => unknown): number {
  try {
    fn();
  } catch (error) {
    return statusForError(error).http;
  }
  return 200;
}

test('paths name formats; everything else is not a logs path', () => {
  assert.equal(logsFormatOfPath('/v1/logs'), 'otlp');
  assert.equal(logsFormatOfPath('/loki/api/v1/push'), 'loki');
  assert.equal(logsFormatOfPath('/logs/jsonl'), 'jsonl');
  assert.equal(logsFormatOfPath('/v1/traces'), undefined);
  assert.equal(logsFormatOfPath('/constructor'), undefined);
});

test('OTLP: partial success in the request encoding; 415 for other content types', () => {
  const json = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'hi' } }] }] }] });
  const decoded = decodeLogsRequest(req({ format: 'otlp', body: text(json) }));
  assert.equal(decoded.batch.recordCount, 1);
  assert.deepEqual(decoded.respond({ rejected: 0, errorMessage: '' }), { status: 200, contentType: 'application/json', body: '{}' });
  assert.equal(encodeLogsResponseJson({ rejected: 2, errorMessage: 'x' }), '{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"x"}}');
  // rejected_log_records = 1 (varint 2), error_message = 2 ("x") inside partial_success = 1
  assert.deepEqual([...encodeLogsResponseProto({ rejected: 2, errorMessage: 'x' })], [0x0a, 5, 0x08, 2, 0x12, 1, 0x78]);
  assert.equal(statusOf(() => decodeLogsRequest(req({ format: 'otlp', contentType: 'text/plain', body: text(json) }))), 415);
  assert.equal(statusOf(() => decodeLogsRequest(req({ format: 'otlp', body: text('{') }))), 400);
  assert.equal(decodeLogsRequestProto(new Uint8Array()).recordCount, 0);
});

test('Loki: snappy protobuf and JSON; 204 on success; bad snappy is 400', () => {
  const json = JSON.stringify({ streams: [{ stream: { job: 'a' }, values: [['1', 'x']] }] });
  const decoded = decodeLogsRequest(req({ format: 'loki', body: text(json) }));
  assert.equal(decoded.batch.recordCount, 1);
  assert.equal(decoded.respond({ rejected: 0, errorMessage: '' }).status, 204);
  const empty = decodeLogsRequest(req({ format: 'loki', contentType: 'application/x-protobuf', body: compressSync(Buffer.alloc(0)) }));
  assert.equal(empty.batch.recordCount, 0);
  assert.equal(statusOf(() => decodeLogsRequest(req({ format: 'loki', contentType: 'application/x-protobuf', body: text('zzzz') }))), 400);
});

test('JSON lines: line errors in a 200 when some lines are good, 400 when none is', () => {
  const decoded = decodeLogsRequest(req({ format: 'jsonl', body: text('{"msg":"a"}\nnope\n'), search: new URLSearchParams('service=api') }));
  assert.equal(decoded.batch.resourceLogs[0]!.serviceName, 'api');
  const response = decoded.respond({ rejected: 0, errorMessage: '' });
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(String(response.body)), { accepted: 1, rejected: 1, errors: [{ line: 2, message: JSON.parse(String(response.body)).errors[0].message }] });
  assert.match(JSON.parse(String(response.body)).errors[0].message, /invalid JSON/);
  assert.equal(statusOf(() => decodeLogsRequest(req({ format: 'jsonl', body: text('nope\n[]') }))), 400);
});
