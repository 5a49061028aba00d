import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { GrpcCode } from '../../pipeline/errors';
import {
  encodeStatusJson,
  encodeStatusProto,
  encodeTraceResponseJson,
  encodeTraceResponseProto,
} from './encode-trace-response';
import { ProtobufReader } from './protobuf-reader';

test('full success: an empty ExportTraceServiceResponse (partial_success unset)', () => {
  const outcome = { rejectedSpans: 0, errorMessage: '' };
  assert.deepEqual(encodeTraceResponseProto(outcome), new Uint8Array(0));
  assert.equal(encodeTraceResponseJson(outcome), '{}');
  assert.deepEqual(ProtobufTraceSerializer.deserializeResponse(encodeTraceResponseProto(outcome)), {});
});

test('partial success: exact protobuf bytes', () => {
  // 0a 07 | 08 03 | 12 03 'b' 'a' 'd': partial_success{rejected_spans=3, error_message="bad"}
  assert.deepEqual(
    Array.from(encodeTraceResponseProto({ rejectedSpans: 3, errorMessage: 'bad' })),
    [0x0a, 0x07, 0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64],
  );
});

test('partial success is read back by the official OTLP exporter response parsers', () => {
  const outcome = { rejectedSpans: 300, errorMessage: 'resourceSpans[0].scopeSpans[0].spans[1] ("x"): invalid trace id — ünïcode' };
  assert.deepEqual(ProtobufTraceSerializer.deserializeResponse(encodeTraceResponseProto(outcome)), { partialSuccess: outcome });
  const json = encodeTraceResponseJson(outcome);
  assert.equal(json, JSON.stringify({ partialSuccess: { rejectedSpans: '300', errorMessage: outcome.errorMessage } }));
  assert.deepEqual(JsonTraceSerializer.deserializeResponse(new TextEncoder().encode(json)), {
    partialSuccess: { rejectedSpans: '300', errorMessage: outcome.errorMessage },
  });
});

test('a warning with nothing rejected still sets partial_success, without rejected_spans', () => {
  const outcome = { rejectedSpans: 0, errorMessage: 'attributes were truncated' };
  assert.deepEqual(ProtobufTraceSerializer.deserializeResponse(encodeTraceResponseProto(outcome)), {
    partialSuccess: { errorMessage: 'attributes were truncated' },
  });
  assert.equal(encodeTraceResponseJson(outcome), '{"partialSuccess":{"errorMessage":"attributes were truncated"}}');
  assert.equal(encodeTraceResponseJson({ rejectedSpans: 2, errorMessage: '' }), '{"partialSuccess":{"rejectedSpans":"2"}}');
});

test('counts that are not counts are a programming error', () => {
  assert.throws(() => encodeTraceResponseProto({ rejectedSpans: -1, errorMessage: '' }), RangeError);
  assert.throws(() => encodeTraceResponseJson({ rejectedSpans: 1.5, errorMessage: '' }), RangeError);
});

function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = new ProtobufReader(bytes);
  const status = { code: 0, message: '' };
  while (r.hasMore()) {
    const t = r.readTag();
    if (t >>> 3 === 1) status.code = r.int32(t);
    else if (t >>> 3 === 2) status.message = r.string(t);
    else r.skip(t);
  }
  return status;
}

test('google.rpc.Status for failed OTLP/HTTP requests, in protobuf and JSON', () => {
  const message = 'resourceSpans[0]: protobuf: truncated varint at byte 17';
  const proto = encodeStatusProto(GrpcCode.INVALID_ARGUMENT, message);
  assert.deepEqual(Array.from(proto.subarray(0, 4)), [0x08, 0x03, 0x12, message.length]);
  assert.deepEqual(readStatus(proto), { code: 3, message });
  assert.equal(encodeStatusJson(GrpcCode.INVALID_ARGUMENT, message), JSON.stringify({ code: 3, message }));

  assert.deepEqual(encodeStatusProto(0, ''), new Uint8Array(0));
  assert.equal(encodeStatusJson(0, ''), '{}');
  assert.deepEqual(readStatus(encodeStatusProto(-2, 'negative codes are sign-extended')), { code: -2, message: 'negative codes are sign-extended' });
  assert.equal(encodeStatusProto(-2, '').length, 11);
});
