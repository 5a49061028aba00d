import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PermanentError } from '../../pipeline/errors';
import { batchFromGoldenJson } from '../../../tests/fixtures/otlp/sdk-expected';
import {
  EGROUP,
  I64,
  LEN,
  PARENT_ID,
  SGROUP,
  SPAN_ID,
  TRACE_ID,
  VARINT,
  bytesField,
  doubleField,
  fixed32Field,
  fixed64Field,
  hexField,
  keyValue,
  message,
  messageField,
  requestWithSpans,
  spanFields,
  stringField,
  tag,
  varint,
  varintField,
} from '../../../tests/fixtures/otlp/proto-builder';
import type { Span, TraceBatch } from '../../../lib/domain/model';
import { decodeTraceRequestProto } from './decode-trace-proto';
import { INTERNAL_ERROR_PREFIX } from './malformed';
import { ProtobufReader } from './protobuf-reader';
import { fuzzRuns } from '../../../tests/support/fuzz';

const fixture = (name: string): URL => new URL(`../../../tests/fixtures/otlp/${name}`, import.meta.url);
const GOLDEN = new Uint8Array(readFileSync(fixture('checkout-trace.bin')));

function spans(batch: TraceBatch): Span[] {
  return batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

function onlySpan(bytes: Uint8Array): Span {
  const all = spans(decodeTraceRequestProto(bytes));
  assert.equal(all.length, 1);
  return all[0]!;
}

/** Decodes, and if it throws, insists it is a deliberate PermanentError('malformed'). */
function decodeOrMalformed(bytes: Uint8Array): TraceBatch | PermanentError {
  try {
    return decodeTraceRequestProto(bytes);
  } catch (error) {
    assert.ok(error instanceof PermanentError, `non-PermanentError thrown: ${String(error)}`);
    assert.equal(error.reason, 'malformed');
    assert.ok(!error.message.includes(INTERNAL_ERROR_PREFIX), error.message);
    return error;
  }
}

function assertMalformed(bytes: Uint8Array, pattern: RegExp): void {
  const result = decodeOrMalformed(bytes);
  assert.ok(result instanceof PermanentError, 'expected the payload to be refused');
  assert.match(result.message, pattern);
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

test('golden: checkout-trace.bin decodes to checkout-trace.expected.json', () => {
  const expected = batchFromGoldenJson(readFileSync(fixture('checkout-trace.expected.json'), 'utf8'));
  assert.deepStrictEqual(decodeTraceRequestProto(GOLDEN), expected);
});

test('an empty request is an empty batch', () => {
  assert.deepStrictEqual(decodeTraceRequestProto(new Uint8Array(0)), {
    resourceSpans: [],
    spanCount: 0,
    rejectedSpans: 0,
    rejectionMessage: '',
  });
});

test('every AnyValue kind, including ones the JS SDK never sends', () => {
  const span = onlySpan(
    requestWithSpans(
      spanFields(
        'values',
        keyValue(9, 'str', stringField(1, 'v')),
        keyValue(9, 'bool', varintField(2, 1)),
        keyValue(9, 'int', varintField(3, 42)),
        keyValue(9, 'int.negative', varintField(3, -7)),
        keyValue(9, 'int.min', varintField(3, -(2n ** 63n))),
        keyValue(9, 'int.max', varintField(3, 2n ** 63n - 1n)),
        keyValue(9, 'int.unsafe', varintField(3, 2n ** 53n + 1n)),
        keyValue(9, 'double', doubleField(4, 2.5)),
        keyValue(9, 'double.nan', doubleField(4, NaN)),
        keyValue(9, 'double.inf', doubleField(4, -Infinity)),
        keyValue(9, 'array', messageField(5, messageField(1, stringField(1, 'a')), messageField(1), messageField(1, varintField(3, 1)))),
        keyValue(9, 'kvlist', messageField(6, keyValue(1, 'k', messageField(6, keyValue(1, 'deep', varintField(2, 0)))))),
        keyValue(9, 'bytes', bytesField(7, [0xde, 0xad])),
        keyValue(9, 'empty'),
        messageField(9, stringField(1, 'no.value')),
        keyValue(9, 'oneof.last.wins', stringField(1, 'first'), varintField(3, 2)),
        keyValue(9, '__proto__', stringField(1, 'not a prototype')),
        keyValue(9, 'str', stringField(1, 'repeated key: last wins')),
      ),
    ),
  );
  const expected: Record<string, unknown> = {
    str: 'repeated key: last wins',
    bool: true,
    int: 42,
    'int.negative': -7,
    'int.min': '-9223372036854775808',
    'int.max': '9223372036854775807',
    'int.unsafe': '9007199254740993',
    double: 2.5,
    'double.nan': 'NaN',
    'double.inf': '-Infinity',
    array: ['a', null, 1],
    kvlist: { k: { deep: false } },
    bytes: '3q0=',
    empty: null,
    'no.value': null,
    'oneof.last.wins': 2,
  };
  Object.defineProperty(expected, '__proto__', { value: 'not a prototype', enumerable: true, writable: true, configurable: true });
  assert.deepStrictEqual(span.attributes, expected);
  assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype);
});

test('protobuf semantics: unknown fields skipped, last scalar wins, repeated messages merge', () => {
  const unknowns = [
    ...varintField(99, 2n ** 64n - 1n),
    ...fixed64Field(98, 1n),
    ...bytesField(97, [1, 2, 3]),
    ...fixed32Field(96, 5),
    ...varintField(2 ** 29 - 1, 1), // the largest field number there is
  ];
  const request = message(
    unknowns,
    messageField(
      1,
      unknowns,
      messageField(1, keyValue(1, 'service.name', stringField(1, 'first')), unknowns),
      // A second `resource` merges into the first: attributes accumulate, scalars are replaced.
      messageField(1, keyValue(1, 'host.name', stringField(1, 'h1')), varintField(2, 3)),
      stringField(3, 'https://schema/resource'),
      messageField(
        2,
        unknowns,
        messageField(1, stringField(1, 'lib'), stringField(2, '9.9'), keyValue(3, 'scope.attr', varintField(2, 1)), varintField(4, 2), unknowns),
        stringField(3, 'https://schema/scope'),
        messageField(
          2,
          spanFields(
            'merged',
            unknowns,
            stringField(5, 'renamed'),
            varintField(6, 3),
            varintField(6, 9), // an enum value this model does not know
            fixed64Field(7, 1n),
            fixed64Field(8, 2n ** 63n - 1n), // the largest timestamp storage holds (see the u64 test)
            messageField(15, varintField(3, 2), unknowns, varintField(1, 5)),
            messageField(15, stringField(2, 'second status message merges in')),
            varintField(12, 4),
            varintField(14, 5),
            fixed32Field(16, 0x301),
            stringField(3, 'k=v'),
          ),
        ),
      ),
    ),
  );
  const batch = decodeTraceRequestProto(request);
  const rs = batch.resourceSpans[0]!;
  assert.deepStrictEqual(rs.resource, { attributes: { 'service.name': 'first', 'host.name': 'h1' }, droppedAttributesCount: 3 });
  assert.equal(rs.serviceName, 'first');
  assert.equal(rs.schemaUrl, 'https://schema/resource');
  const ss = rs.scopeSpans[0]!;
  assert.deepStrictEqual(ss.scope, { name: 'lib', version: '9.9', attributes: { 'scope.attr': true } });
  assert.equal(ss.schemaUrl, 'https://schema/scope');
  const span = ss.spans[0]!;
  assert.equal(span.name, 'renamed');
  assert.equal(span.kind, 0, 'unknown kinds become UNSPECIFIED');
  assert.equal(span.startNs, 1n);
  assert.equal(span.endNs, 2n ** 63n - 1n);
  assert.equal(span.statusCode, 2);
  assert.equal(span.statusMessage, 'second status message merges in');
  assert.equal(span.droppedEventsCount, 4);
  assert.equal(span.droppedLinksCount, 5);
  assert.equal(span.flags, 0x301);
  assert.equal(span.traceState, 'k=v');
  assert.equal(span.parentSpanId, '');
});

test('a request without service.name gets the OTel default service name', () => {
  const batch = decodeTraceRequestProto(message(messageField(1, messageField(2, messageField(2, spanFields('s'))))));
  assert.equal(batch.resourceSpans[0]?.serviceName, 'unknown_service');
  assert.deepStrictEqual(batch.resourceSpans[0]?.scopeSpans[0]?.scope, { name: '', version: '', attributes: {} });
});

test('spans with invalid ids are rejected and counted; the others are kept', () => {
  const batch = decodeTraceRequestProto(
    requestWithSpans(
      spanFields('ok'),
      spanFields('short trace id', hexField(1, 'abcd')),
      spanFields('zero trace id', hexField(1, '0'.repeat(32))),
      spanFields('zero span id', hexField(2, '0'.repeat(16))),
      [...hexField(1, TRACE_ID), ...stringField(5, 'no span id')],
      spanFields('bad parent', hexField(4, 'abcdef')),
      spanFields('child', hexField(4, PARENT_ID)),
      spanFields('zero parent means root', hexField(4, '0'.repeat(16))),
    ),
  );
  assert.deepEqual(spans(batch).map((s) => [s.name, s.parentSpanId]), [
    ['ok', ''],
    ['child', PARENT_ID],
    ['zero parent means root', ''],
  ]);
  assert.equal(batch.spanCount, 3);
  assert.equal(batch.rejectedSpans, 5);
  assert.equal(
    batch.rejectionMessage,
    'resourceSpans[0].scopeSpans[0].spans[1] ("short trace id"): invalid trace id "abcd" (must be 16 bytes, not all zero)',
  );
});

test('links with invalid ids are dropped and counted in droppedLinksCount', () => {
  const goodLink = messageField(13, hexField(1, TRACE_ID), hexField(2, SPAN_ID), fixed32Field(6, 0x100));
  const span = onlySpan(
    requestWithSpans(
      spanFields(
        'links',
        varintField(14, 2),
        goodLink,
        messageField(13, hexField(1, TRACE_ID)),
        messageField(13, hexField(1, '0'.repeat(32)), hexField(2, SPAN_ID)),
      ),
    ),
  );
  assert.equal(span.links.length, 1);
  assert.equal(span.links[0]?.flags, 0x100);
  assert.equal(span.droppedLinksCount, 4);
});

test('errors name the path and the byte offset', () => {
  const badSpan = [...hexField(1, TRACE_ID), ...hexField(2, SPAN_ID), ...varintField(7, 5)];
  const bytes = requestWithSpans(spanFields('fine'), badSpan);
  const result = decodeOrMalformed(bytes);
  assert.ok(result instanceof PermanentError);
  const match = /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]: protobuf: field 7 has wire type VARINT, expected I64 at byte (\d+)$/.exec(result.message);
  assert.ok(match, result.message);
  assert.equal(bytes[Number(match[1])], (7 << 3) | VARINT, 'the offset points at the offending tag');

  assertMalformed(
    requestWithSpans(spanFields('attr', messageField(9, stringField(1, 'k'), messageField(2, [...tag(1, LEN), 50])))),
    /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes: protobuf: length 50 exceeds the 0 bytes left in the enclosing message at byte \d+$/,
  );
  assertMalformed(message(messageField(1, messageField(1, varintField(1, 1)))), /^resourceSpans\[0\]\.resource: protobuf: field 1 has wire type VARINT, expected LEN/);
});

test('wrong wire types for known fields, groups, invalid wire types and huge lengths are malformed', () => {
  assertMalformed(requestWithSpans(spanFields('s', varintField(1, 1))), /field 1 has wire type VARINT, expected LEN/);
  assertMalformed(requestWithSpans(spanFields('s', fixed32Field(7, 1))), /field 7 has wire type I32, expected I64/);
  assertMalformed(requestWithSpans(spanFields('s', fixed64Field(16, 1n))), /field 16 has wire type I64, expected I32/);
  assertMalformed(requestWithSpans(spanFields('s', stringField(6, 'SERVER'))), /field 6 has wire type LEN, expected VARINT/);
  assertMalformed(message([...tag(1, I64), 0, 0, 0, 0, 0, 0, 0, 0]), /field 1 has wire type I64, expected LEN at byte 0/);
  assertMalformed(message(tag(50, SGROUP), tag(50, EGROUP)), /group/);
  assertMalformed(requestWithSpans(spanFields('s', tag(50, SGROUP), tag(50, EGROUP))), /spans\[0\]: .*group/);
  assertMalformed(message(tag(1, 6)), /invalid wire type 6 at byte 0/);
  assertMalformed(message([...tag(1, LEN), ...varint(2n ** 62n)]), /length over 4 GiB exceeds/);
  assertMalformed(message([...tag(1, LEN), ...varint(0xffffffff)]), /length 4294967295 exceeds the 0 bytes left/);
  assertMalformed(message([...tag(1, LEN), ...Array<number>(12).fill(0xff)]), /varint longer than 10 bytes/);
});

test('attribute values nested too deeply are malformed, not a stack overflow', () => {
  let value: number[] = stringField(1, 'bottom');
  for (let i = 0; i < 200; i++) value = messageField(5, messageField(1, value));
  assertMalformed(requestWithSpans(spanFields('deep', messageField(9, stringField(1, 'k'), messageField(2, value)))), /nested more than 64 levels/);
});

/** Offsets at which a prefix of `bytes` is itself a complete request: between top-level fields. */
function topLevelBoundaries(bytes: Uint8Array): Set<number> {
  const r = new ProtobufReader(bytes);
  const boundaries = new Set([0]);
  while (r.hasMore()) {
    r.skip(r.readTag());
    boundaries.add(r.pos);
  }
  return boundaries;
}

test('a real payload truncated at every byte offset is malformed (or a shorter valid request)', () => {
  const boundaries = topLevelBoundaries(GOLDEN);
  assert.ok(boundaries.size >= 3, 'the golden request has two ResourceSpans');
  for (let length = 0; length < GOLDEN.length; length++) {
    const result = decodeOrMalformed(GOLDEN.subarray(0, length));
    assert.equal(result instanceof PermanentError, !boundaries.has(length), `truncated to ${length} bytes`);
  }
});

test('fuzz: random bytes and bit-flipped real payloads never throw anything but malformed', () => {
  const next = random(0x5eed);
  for (let i = 0; i < fuzzRuns(3000); i++) {
    const bytes = new Uint8Array(Math.floor(next() * 200));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
    decodeOrMalformed(bytes);
  }
  let decoded = 0;
  for (let i = 0; i < fuzzRuns(5000); i++) {
    const bytes = GOLDEN.slice();
    const flips = 1 + Math.floor(next() * 3);
    for (let j = 0; j < flips; j++) {
      const at = Math.floor(next() * bytes.length);
      bytes[at] = bytes[at]! ^ (1 << Math.floor(next() * 8));
    }
    if (!(decodeOrMalformed(bytes) instanceof PermanentError)) decoded++;
  }
  // Flips inside strings and numbers still decode; the point is that nothing else escapes.
  assert.ok(decoded > 0);
});

test('timestamps over int64 (fixed64 up to 2^64 - 1) reject their span alone, with a reason', () => {
  const batch = decodeTraceRequestProto(
    requestWithSpans(spanFields('ok'), spanFields('u64 start', fixed64Field(7, 2n ** 64n - 1n)), spanFields('u64 end', fixed64Field(8, 2n ** 63n))),
  );
  assert.deepEqual(spans(batch).map((s) => s.name), ['ok']);
  assert.equal(batch.rejectedSpans, 2);
  assert.equal(
    batch.rejectionMessage,
    'resourceSpans[0].scopeSpans[0].spans[1] ("u64 start"): startTimeUnixNano 18446744073709551615 is out of range (at most 9223372036854775807)',
  );
});

test('NUL in any string is replaced at decode time and reported as a partial_success warning', () => {
  const batch = decodeTraceRequestProto(requestWithSpans(spanFields('ok'), spanFields('nul\u0000', keyValue(9, 'k', stringField(1, 'v\u0000')))));
  const [ok, cleaned] = spans(batch);
  assert.equal(ok!.name, 'ok');
  assert.equal(cleaned!.name, 'nul\uFFFD');
  assert.deepEqual(cleaned!.attributes, { k: 'v\uFFFD' });
  assert.equal(batch.rejectedSpans, 0);
  assert.match(batch.rejectionMessage, /^1 span had text PostgreSQL cannot store .*spans\[1\]\)$/);
});
