// OTLP logs decoders, protobuf and JSON: golden bytes captured from the official OpenTelemetry JS
// logs SDK + OTLP/HTTP protobuf exporter, the opentelemetry-proto OTLP/JSON logs example, the
// official JSON and protobuf serializers agreeing, truncation at every offset, seeded fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { allLogRecords, type LogBatch } from '../../../lib/domain/logs/model';
import {
  SDK_SPAN_ID,
  SDK_TIME_NS,
  SDK_TRACE_ID,
  captureOtlpLogs,
  realisticLogRecords,
} from '../../../tests/fixtures/logs/capture-otlp-logs';
import { LEN, hexField, messageField, stringField, tag, varint } from '../../../tests/fixtures/otlp/proto-builder';
import { PermanentError } from '../../pipeline/errors';
import { decodeLogsRequestJson } from './decode-logs-json';
import { decodeLogsRequestProto } from './decode-logs-proto';
import { INTERNAL_ERROR_PREFIX } from './malformed';
import { fuzzRuns } from '../../../tests/support/fuzz';

const RECEIVED_NS = 1_800_000_000_000_000_000n;

function decodeOrMalformed(bytes: Uint8Array): LogBatch | PermanentError {
  try {
    return decodeLogsRequestProto(bytes, { receivedNs: RECEIVED_NS });
  } catch (error) {
    assert.ok(error instanceof PermanentError, `non-PermanentError thrown: ${String(error)}`);
    assert.equal(error.reason, 'malformed');
    assert.ok(!error.message.includes(INTERNAL_ERROR_PREFIX), error.message);
    return error;
  }
}

/** mulberry32: a tiny seeded PRNG so fuzz failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let goldenBytes: Uint8Array | undefined;
async function golden(): Promise<Uint8Array> {
  if (!goldenBytes) {
    const captured = await captureOtlpLogs(realisticLogRecords());
    assert.equal(captured.length, 1, 'the batch processor sends one request');
    assert.equal(captured[0]!.path, '/v1/logs');
    assert.equal(captured[0]!.contentType, 'application/x-protobuf');
    goldenBytes = new Uint8Array(captured[0]!.body);
  }
  return goldenBytes;
}

test('golden: what the official OTLP logs exporter sends decodes field by field', async () => {
  const batch = decodeLogsRequestProto(await golden(), { receivedNs: RECEIVED_NS });
  assert.equal(batch.recordCount, 3);
  assert.equal(batch.resourceLogs.length, 1);
  const rl = batch.resourceLogs[0]!;
  assert.equal(rl.serviceName, 'checkout');
  assert.equal(rl.resource.attributes['deployment.environment'], 'test');
  assert.deepEqual(rl.scopeLogs.map((sl) => [sl.scope.name, sl.scope.version]), [['meshlight.fixture.logs', '1.2.3']]);
  const [placed, declined, stock] = allLogRecords(batch);
  assert.deepStrictEqual(placed, {
    timeUnixNano: SDK_TIME_NS,
    observedTimeUnixNano: (SDK_TIME_NS / 1_000_000_000n + 1n) * 1_000_000_000n,
    severityNumber: 9,
    severityText: 'INFO',
    body: 'order placed',
    attributes: { 'order.id': 'ord-42', 'http.route': '/checkout', correlation_id: 'corr-abc' },
    droppedAttributesCount: 0,
    traceId: SDK_TRACE_ID,
    spanId: SDK_SPAN_ID,
    correlationId: 'corr-abc',
    flags: 1,
    eventName: '',
  });
  assert.equal(declined!.severityNumber, 17);
  assert.deepEqual(JSON.parse(declined!.body), { message: 'payment declined', code: 402, retry: false });
  assert.equal(declined!.traceId, '');
  assert.equal(declined!.correlationId, 'req-7', 'x-request-id is a default correlation key');
  assert.equal(stock!.severityNumber, 13, 'a text-only severity gets its number');
  assert.deepStrictEqual(stock!.attributes, { 'stock.level': 3, ratio: 0.25, tags: ['a', 'b'] });
});

test('the official JSON and protobuf serializers of the same records decode to the same batch', () => {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'inventory' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('meshlight.fixture.logs', '1.2.3');
  for (const record of realisticLogRecords()) logger.emit(record);
  const records = exporter.getFinishedLogRecords();
  assert.equal(records.length, 3);
  const proto = ProtobufLogsSerializer.serializeRequest(records)!;
  const json = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records)!);
  const fromProto = decodeLogsRequestProto(proto, { receivedNs: RECEIVED_NS });
  const fromJson = decodeLogsRequestJson(json, { receivedNs: RECEIVED_NS });
  assert.equal(fromProto.recordCount, 3);
  assert.deepStrictEqual(fromJson, fromProto);
});

test('the opentelemetry-proto OTLP/JSON logs example is accepted', () => {
  const text = readFileSync(new URL('../../../tests/fixtures/logs/otlp-example-logs.json', import.meta.url), 'utf8');
  const batch = decodeLogsRequestJson(text, { receivedNs: RECEIVED_NS });
  assert.equal(batch.recordCount, 1);
  assert.equal(batch.resourceLogs[0]!.serviceName, 'my.service');
  assert.equal(batch.resourceLogs[0]!.scopeLogs[0]!.scope.attributes['my.scope.attribute'], 'some scope attribute');
  const [record] = allLogRecords(batch);
  assert.equal(record!.timeUnixNano, 1544712660300000000n);
  assert.equal(record!.severityNumber, 10);
  assert.equal(record!.severityText, 'Information');
  assert.equal(record!.traceId, '5b8efff798038103d269b633813fc60c');
  assert.equal(record!.spanId, 'eee19b7ec3c1b174');
  assert.equal(record!.body, 'Example log record');
  assert.deepStrictEqual(record!.attributes, {
    'string.attribute': 'some string',
    'boolean.attribute': true,
    'int.attribute': 10,
    'double.attribute': 637.704,
    'array.attribute': ['many', 'values'],
    'map.attribute': { 'some.map.key': 'some value' },
  });
});

test('ids of the wrong length are dropped, not fatal; a structured body yields correlation keys', () => {
  // ExportLogsServiceRequest{ResourceLogs{ScopeLogs{LogRecord{trace_id(3 bytes), body kvlist}}}}
  const kv = (key: string, value: string): number[] =>
    messageField(1, [...stringField(1, key), ...messageField(2, stringField(1, value))]);
  const body = messageField(6, [...kv('traceId', 'aabbccddeeff00112233445566778899'), ...kv('requestId', 'r-1')]);
  const record = [...hexField(9, 'abcdef'), ...hexField(10, '0000000000000000'), ...messageField(5, body)];
  const bytes = new Uint8Array(messageField(1, messageField(2, messageField(2, record))));
  const [decoded] = allLogRecords(decodeLogsRequestProto(bytes, { receivedNs: RECEIVED_NS }));
  assert.equal(decoded!.traceId, 'aabbccddeeff00112233445566778899', 'from the body, as the OTLP field was unusable');
  assert.equal(decoded!.spanId, '');
  assert.equal(decoded!.correlationId, 'r-1');
  assert.equal(decoded!.observedTimeUnixNano, RECEIVED_NS);
  assert.deepEqual(JSON.parse(decoded!.body), { traceId: 'aabbccddeeff00112233445566778899', requestId: 'r-1' });
});

test('NUL and unpaired surrogates in a body are cleaned; invalid UTF-8 becomes U+FFFD', () => {
  const body = [...tag(1, LEN), ...varint(6), 0x61, 0x00, 0x62, 0xff, 0xfe, 0x63];
  const record = messageField(5, body);
  const bytes = new Uint8Array(messageField(1, messageField(2, messageField(2, record))));
  const [decoded] = allLogRecords(decodeLogsRequestProto(bytes));
  assert.equal(decoded!.body, 'a\uFFFDb\uFFFD\uFFFDc');
  const json = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x\u0000y\ud800' } }] }] }] });
  assert.equal(allLogRecords(decodeLogsRequestJson(json))[0]!.body, 'x\uFFFDy\uFFFD');
});

test('JSON: wrong types are refused with the field path', () => {
  const bad = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: 'soon' }] }] }] });
  assert.throws(() => decodeLogsRequestJson(bad), (error: unknown) => {
    assert.ok(error instanceof PermanentError);
    assert.match(error.message, /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.timeUnixNano: expected an unsigned 64-bit/);
    return true;
  });
  assert.throws(() => decodeLogsRequestJson('{'), /invalid JSON/);
});

test('the golden payload truncated at every byte offset is malformed or a shorter valid request', async () => {
  const bytes = await golden();
  let refused = 0;
  for (let length = 0; length < bytes.length; length++) {
    if (decodeOrMalformed(bytes.subarray(0, length)) instanceof PermanentError) refused++;
  }
  assert.ok(refused > bytes.length - 5, `${refused} of ${bytes.length} truncations refused`);
});

test('fuzz: random bytes and bit-flipped real payloads never throw anything but malformed', async () => {
  const bytes = await golden();
  const next = random(0x10c5);
  for (let i = 0; i < fuzzRuns(2000); i++) {
    const noise = new Uint8Array(Math.floor(next() * 200));
    for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(next() * 256);
    decodeOrMalformed(noise);
  }
  let decoded = 0;
  for (let i = 0; i < fuzzRuns(4000); i++) {
    const flipped = bytes.slice();
    const flips = 1 + Math.floor(next() * 3);
    for (let j = 0; j < flips; j++) {
      const at = Math.floor(next() * flipped.length);
      flipped[at] = flipped[at]! ^ (1 << Math.floor(next() * 8));
    }
    if (!(decodeOrMalformed(flipped) instanceof PermanentError)) decoded++;
  }
  assert.ok(decoded > 0);
});
