// Loki push decoders: a JSON payload as the Loki docs show it (with structured metadata), the legacy
// JSON form, a snappy-compressed protobuf PushRequest built field by field from push.proto, label
// string parsing, truncation and seeded fuzzing of the protobuf path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressSync } from 'snappy';
import { allLogRecords, type LogBatch } from '../../../lib/domain/logs/model';
import { messageField, stringField, varintField } from '../../../tests/fixtures/otlp/proto-builder';
import { PermanentError } from '../../pipeline/errors';
import { INTERNAL_ERROR_PREFIX } from '../otlp/malformed';
import { decodeLokiPushJson } from './decode-loki-json';
import { decodeLokiPushProto, uncompressLokiBody } from './decode-loki-proto';
import { fieldsOfLine, parseLokiLabels } from './loki-streams';
import { fuzzRuns } from '../../../tests/support/fuzz';

const RECEIVED = 1_800_000_000_000_000_000n;
const options = { receivedNs: RECEIVED };

const LOKI_JSON = JSON.stringify({
  streams: [
    {
      stream: { job: 'checkout', env: 'prod', level: 'error' },
      values: [
        ['1763700000000000001', 'payment failed for order 42', { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', user: 'u1' }],
        ['1763700000000000002', '{"level":"info","msg":"retrying","correlation_id":"corr-7","span_id":"00f067aa0ba902b7"}'],
      ],
    },
    { stream: { service_name: 'cart', app: 'ignored' }, values: [['1763700000000000003', 'level=warn msg="cart slow" request_id=r-5']] },
  ],
});

/** A PushRequest as promtail sends it: labels string, entries with Timestamp and metadata. */
function lokiProto(): Uint8Array {
  const entry = (seconds: number, nanos: number, line: string, metadata: Array<[string, string]>): number[] =>
    messageField(
      2,
      messageField(1, varintField(1, seconds), varintField(2, nanos)),
      stringField(2, line),
      ...metadata.map(([name, value]) => messageField(3, stringField(1, name), stringField(2, value))),
    );
  const stream = messageField(
    1,
    stringField(1, '{app="orders", namespace="shop", msg="with \\"quotes\\""}'),
    entry(1763700000, 5, 'order created', [['traceID', 'ignored'], ['trace_id', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']]),
    entry(1763700001, 0, 'ts=2025 level=error correlationId=c-42 msg=boom', []),
    varintField(3, 1234n),
  );
  return Uint8Array.from(stream);
}

test('Loki JSON: labels become resource attributes, job/service_name name the service, metadata and line fields give ids', () => {
  const batch = decodeLokiPushJson(LOKI_JSON, options);
  assert.equal(batch.recordCount, 3);
  assert.deepEqual(batch.resourceLogs.map((rl) => rl.serviceName), ['checkout', 'cart']);
  assert.deepStrictEqual(batch.resourceLogs[0]!.resource.attributes, { job: 'checkout', env: 'prod', level: 'error' });
  const [failed, retrying, slow] = allLogRecords(batch);
  assert.equal(failed!.timeUnixNano, 1763700000000000001n);
  assert.equal(failed!.observedTimeUnixNano, RECEIVED);
  assert.equal(failed!.body, 'payment failed for order 42');
  assert.equal(failed!.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(failed!.severityNumber, 17, 'from the level label');
  assert.deepStrictEqual(failed!.attributes, { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', user: 'u1' });
  assert.equal(retrying!.correlationId, 'corr-7', 'from the JSON line');
  assert.equal(retrying!.spanId, '00f067aa0ba902b7');
  assert.equal(retrying!.body, '{"level":"info","msg":"retrying","correlation_id":"corr-7","span_id":"00f067aa0ba902b7"}', 'lines are kept verbatim');
  assert.equal(slow!.severityNumber, 13, 'from the logfmt line');
  assert.equal(slow!.correlationId, 'r-5');
});

test('Loki JSON: the legacy labels/entries form', () => {
  const body = JSON.stringify({ streams: [{ labels: '{job="legacy"}', entries: [{ ts: '2024-05-01T10:00:00.5Z', line: 'hello' }] }] });
  const batch = decodeLokiPushJson(body, options);
  assert.equal(batch.resourceLogs[0]!.serviceName, 'legacy');
  assert.equal(allLogRecords(batch)[0]!.timeUnixNano, BigInt(Date.parse('2024-05-01T10:00:00.5Z')) * 1_000_000n);
});

test('Loki JSON: bad input is a 400-class malformed error naming the place', () => {
  const cases: Array<[string, RegExp]> = [
    ['{', /invalid JSON/],
    ['{}', /needs "streams"/],
    [JSON.stringify({ streams: [{ stream: { a: 1 }, values: [] }] }), /^streams\[0\]\.stream: a label set: value of "a" must be a string/],
    [JSON.stringify({ streams: [{ stream: {}, values: [['soon', 'x']] }] }), /^streams\[0\]\.values\[0\]: expected a timestamp/],
    [JSON.stringify({ streams: [{ stream: {}, values: [['1']] }] }), /got 1 elements/],
    [JSON.stringify({ streams: [{ labels: '{job=x}', entries: [] }] }), /^streams\[0\]\.labels: invalid stream labels/],
  ];
  for (const [body, pattern] of cases) {
    assert.throws(() => decodeLokiPushJson(body, options), (error: unknown) => {
      assert.ok(error instanceof PermanentError, String(error));
      assert.equal(error.reason, 'malformed');
      assert.match(error.message, pattern);
      return true;
    });
  }
});

test('Loki protobuf: snappy-compressed PushRequest decodes to the same shape', () => {
  const compressed = compressSync(Buffer.from(lokiProto()));
  const batch = decodeLokiPushProto(uncompressLokiBody(compressed, 1 << 20), options);
  assert.equal(batch.recordCount, 2);
  const rl = batch.resourceLogs[0]!;
  assert.equal(rl.serviceName, 'orders');
  assert.deepStrictEqual(rl.resource.attributes, { app: 'orders', namespace: 'shop', msg: 'with "quotes"' });
  const [created, boom] = allLogRecords(batch);
  assert.equal(created!.timeUnixNano, 1763700000000000005n);
  assert.equal(created!.traceId, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
  assert.deepStrictEqual(created!.attributes, { traceID: 'ignored', trace_id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
  assert.equal(boom!.timeUnixNano, 1763700001000000000n);
  assert.equal(boom!.severityNumber, 17);
  assert.equal(boom!.correlationId, 'c-42');
  assert.throws(() => uncompressLokiBody(Buffer.from('not snappy at all'), 1 << 20), /invalid snappy block/);
  assert.throws(() => uncompressLokiBody(compressed, 10), /over the 10-byte limit/);
});

test('label strings: escapes, spacing, trailing comma, errors', () => {
  assert.deepStrictEqual(parseLokiLabels(' { a = "1" , b="x\\ny\\\\" , } '), { a: '1', b: 'x\ny\\' });
  assert.deepStrictEqual(parseLokiLabels('{}'), {});
  for (const bad of ['', 'a="1"', '{a}', '{a="1"', '{a="1"} x', '{1a="x"}']) assert.throws(() => parseLokiLabels(bad), /invalid stream labels/, bad);
  assert.deepStrictEqual(fieldsOfLine('no fields here'), {});
  assert.deepStrictEqual(fieldsOfLine('{not json'), {});
});

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

function decodeOrMalformed(bytes: Uint8Array): LogBatch | PermanentError {
  try {
    return decodeLokiPushProto(bytes, options);
  } catch (error) {
    assert.ok(error instanceof PermanentError, `non-PermanentError thrown: ${String(error)}`);
    assert.ok(!error.message.includes(INTERNAL_ERROR_PREFIX), error.message);
    return error;
  }
}

test('Loki protobuf: every truncation and seeded bit flips fail only as malformed', () => {
  const bytes = lokiProto();
  for (let length = 0; length < bytes.length; length++) decodeOrMalformed(bytes.subarray(0, length));
  const next = random(0x1041);
  for (let i = 0; i < fuzzRuns(3000); i++) {
    const flipped = bytes.slice();
    const at = Math.floor(next() * flipped.length);
    flipped[at] = flipped[at]! ^ (1 << Math.floor(next() * 8));
    decodeOrMalformed(flipped);
  }
  for (let i = 0; i < fuzzRuns(1000); i++) {
    const json = LOKI_JSON.split('');
    json[Math.floor(next() * json.length)] = String.fromCharCode(32 + Math.floor(next() * 90));
    try {
      decodeLokiPushJson(json.join(''), options);
    } catch (error) {
      assert.ok(error instanceof PermanentError && !error.message.includes(INTERNAL_ERROR_PREFIX), String(error));
    }
  }
});
