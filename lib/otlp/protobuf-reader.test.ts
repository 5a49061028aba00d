import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from './errors';
import {
  EGROUP,
  I64,
  LEN,
  SGROUP,
  bytesField,
  doubleField,
  fixed32Field,
  fixed64Field,
  message,
  stringField,
  tag,
  varint,
  varintField,
} from '../../tests/fixtures/otlp/proto-builder';
import { ProtobufReader } from './protobuf-reader';

function reader(...parts: number[][]): ProtobufReader {
  return new ProtobufReader(message(...parts));
}

function assertMalformed(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof PermanentError, `expected a PermanentError, got ${String(error)}`);
    assert.equal(error.reason, 'malformed');
    assert.match(error.message, pattern);
    return true;
  });
}

test('varints of every length decode exactly, as uint32, int32, int64 and uint64', () => {
  const cases: bigint[] = [0n, 1n, 127n, 128n, 300n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];
  for (const value of cases) {
    const r = reader(varintField(1, value));
    const t = r.readTag();
    assert.equal(r.uint64(t), value, `uint64 ${value}`);
    const r32 = reader(varintField(1, value));
    assert.equal(r32.uint32(r32.readTag()), Number(value & 0xffffffffn), `uint32 ${value}`);
    const r64 = reader(varintField(1, value));
    const signed = BigInt.asIntN(64, value);
    const expected = signed >= -(2n ** 53n - 1n) && signed <= 2n ** 53n - 1n ? Number(signed) : signed;
    assert.equal(r64.int64(r64.readTag()), expected, `int64 ${value}`);
  }
});

test('negative int64 and int32 values, which are 10-byte sign-extended varints', () => {
  const r = reader(varintField(1, -1), varintField(1, -(2 ** 53) + 1), varintField(1, -(2n ** 53n)), varintField(1, -(2n ** 63n)), varintField(2, -5));
  assert.equal(r.int64(r.readTag()), -1);
  assert.equal(r.int64(r.readTag()), -(2 ** 53) + 1);
  assert.equal(r.int64(r.readTag()), -(2n ** 53n));
  assert.equal(r.int64(r.readTag()), -(2n ** 63n));
  assert.equal(r.int32(r.readTag()), -5);
  assert.equal(r.hasMore(), false);
});

test('fixed32, fixed64 and double', () => {
  const r = reader(fixed32Field(1, 0xdeadbeef), fixed64Field(2, 1544712660123456789n), fixed64Field(3, 2n ** 64n - 1n), doubleField(4, -1.5));
  assert.equal(r.fixed32(r.readTag()), 0xdeadbeef);
  assert.equal(r.fixed64(r.readTag()), 1544712660123456789n);
  assert.equal(r.fixed64(r.readTag()), 2n ** 64n - 1n);
  assert.equal(r.double(r.readTag()), -1.5);
});

test('strings: empty, short ASCII, long, multi-byte UTF-8, and invalid UTF-8 replaced', () => {
  const r = reader(
    stringField(1, ''),
    stringField(1, 'http.method'),
    stringField(1, 'a'.repeat(100)),
    stringField(1, 'żółć 🚀'),
    stringField(1, 'é'),
    bytesField(1, [0x61, 0xff, 0x62]),
  );
  assert.equal(r.string(r.readTag()), '');
  assert.equal(r.string(r.readTag()), 'http.method');
  assert.equal(r.string(r.readTag()), 'a'.repeat(100));
  assert.equal(r.string(r.readTag()), 'żółć 🚀');
  assert.equal(r.string(r.readTag()), 'é');
  assert.equal(r.string(r.readTag()), 'a\ufffdb');
});

test('bytes as hex and base64', () => {
  const r = reader(bytesField(1, [0x00, 0xab, 0xff]), bytesField(2, [0, 1, 2, 250, 255]), bytesField(3, []));
  assert.equal(r.hex(r.readTag()), '00abff');
  assert.equal(r.base64(r.readTag()), 'AAEC+v8=');
  assert.equal(r.hex(r.readTag()), '');
});

test('enter/leave confine reads to the embedded message', () => {
  const inner = [...stringField(1, 'in'), ...varintField(2, 7)];
  const r = reader(bytesField(1, inner), stringField(2, 'after'));
  const outer = r.enter(r.readTag());
  const seen: unknown[] = [];
  while (r.hasMore()) {
    const t = r.readTag();
    seen.push(t >>> 3 === 1 ? r.string(t) : r.uint32(t));
  }
  r.leave(outer);
  assert.deepEqual(seen, ['in', 7]);
  assert.equal(r.string(r.readTag()), 'after');
  assert.equal(r.hasMore(), false);
});

test('a field that runs past the end of its enclosing message is malformed', () => {
  // The embedded message claims 2 bytes, but its string field claims 5.
  const r = reader([...tag(1, LEN), 2, ...tag(1, LEN), 5], stringField(2, 'abcdef'));
  r.enter(r.readTag());
  const t = r.readTag();
  assertMalformed(() => r.string(t), /length 5 exceeds the 0 bytes left in the enclosing message at byte 3/);
});

test('skips unknown fields of every non-group wire type', () => {
  const r = reader(varintField(9, 2n ** 63n), fixed64Field(9, 1n), bytesField(9, [1, 2, 3]), fixed32Field(9, 1), stringField(1, 'kept'));
  for (let i = 0; i < 4; i++) r.skip(r.readTag());
  assert.equal(r.string(r.readTag()), 'kept');
});

test('groups, invalid wire types and field number 0 are malformed', () => {
  const group = reader(tag(9, SGROUP));
  assertMalformed(() => group.skip(group.readTag()), /field 9 uses a group \(wire type 3\).* at byte 0/);
  const endGroup = reader(tag(9, EGROUP));
  assertMalformed(() => endGroup.skip(endGroup.readTag()), /wire type 4/);
  assertMalformed(() => reader(tag(9, 6)).readTag(), /invalid wire type 6 at byte 0/);
  assertMalformed(() => reader(tag(9, 7)).readTag(), /invalid wire type 7/);
  assertMalformed(() => reader([0x00]).readTag(), /invalid field number 0/);
  assertMalformed(() => reader(varint(2n ** 40n)).readTag(), /field tag too large/);
});

test('a typed read of a field with another wire type is malformed', () => {
  const r = reader(varintField(1, 5));
  const t = r.readTag();
  assertMalformed(() => r.string(t), /field 1 has wire type VARINT, expected LEN at byte 0/);
  const f = reader(stringField(7, 'x'));
  const ft = f.readTag();
  assertMalformed(() => f.fixed64(ft), /field 7 has wire type LEN, expected I64/);
  const i = reader(fixed32Field(3, 1));
  const it = i.readTag();
  assertMalformed(() => i.uint32(it), /expected VARINT/);
});

test('varints: more than 10 bytes, or truncated, are malformed', () => {
  const eleven = [0x08, ...Array<number>(10).fill(0x80), 0x01];
  const r = reader(eleven);
  const t = r.readTag();
  assertMalformed(() => r.uint64(t), /varint longer than 10 bytes at byte 1/);
  const truncated = reader([0x08, 0x80, 0x80]);
  const tt = truncated.readTag();
  assertMalformed(() => truncated.uint32(tt), /truncated varint at byte 1/);
  assertMalformed(() => reader([0x80]).readTag(), /truncated varint at byte 0/);
});

test('truncated fixed values and lengths past the end are malformed', () => {
  const f64 = reader(fixed64Field(1, 1n).slice(0, 5));
  const t64 = f64.readTag();
  assertMalformed(() => f64.fixed64(t64), /truncated 8-byte fixed value at byte 1/);
  const f32 = reader(fixed32Field(1, 1).slice(0, 3));
  const t32 = f32.readTag();
  assertMalformed(() => f32.fixed32(t32), /truncated 4-byte fixed value/);
  const huge = reader([...tag(1, LEN), ...varint(2n ** 35n)]);
  const th = huge.readTag();
  assertMalformed(() => huge.string(th), /length over 4 GiB exceeds the 0 bytes left/);
  const past = reader([...tag(1, LEN), 10, 1, 2, 3]);
  const tp = past.readTag();
  assertMalformed(() => past.bytes(tp), /length 10 exceeds the 3 bytes left in the enclosing message at byte 1/);
  const skipPast = reader([...tag(1, LEN), 10, 1]);
  assertMalformed(() => skipPast.skip(skipPast.readTag()), /length 10 exceeds/);
  const skipFixed = reader([...tag(1, I64), 1, 2]);
  assertMalformed(() => skipFixed.skip(skipFixed.readTag()), /truncated 8-byte fixed value/);
});

test('works on a view into a larger buffer (as Node hands out Buffers)', () => {
  const backing = new Uint8Array(64).fill(0xff);
  const payload = message(stringField(1, 'view'), fixed64Field(2, 42n), bytesField(3, [0xab]));
  backing.set(payload, 13);
  const r = new ProtobufReader(backing.subarray(13, 13 + payload.length));
  assert.equal(r.string(r.readTag()), 'view');
  assert.equal(r.fixed64(r.readTag()), 42n);
  assert.equal(r.hex(r.readTag()), 'ab');
  assert.equal(r.hasMore(), false);
});

test('repeatedString decodes like string, and returns the same object for the same bytes', () => {
  const texts = ['http.route', 'http.route', '', 'żółć', 'a'.repeat(33), 'a'.repeat(33), 'db.system'];
  const r = reader(...texts.map((text) => stringField(1, text)));
  const decoded = texts.map(() => r.repeatedString(r.readTag()));
  assert.deepEqual(decoded, texts);
  const again = reader(stringField(1, 'http.route'));
  assert.equal(again.repeatedString(again.readTag()), decoded[0]);
  const wrongWire = reader(varintField(1, 1));
  const t = wrongWire.readTag();
  assertMalformed(() => wrongWire.repeatedString(t), /expected LEN/);
});

test('repeated fixed64, double and varints: packed, unpacked and both mixed', () => {
  const fixed = (v: bigint) => Array.from(new Uint8Array(new BigUint64Array([v]).buffer));
  const dbl = (v: number) => Array.from(new Uint8Array(new Float64Array([v]).buffer));
  const packedFixed = bytesField(1, [...fixed(1n), ...fixed(2n ** 64n - 1n)]);
  const packedDouble = bytesField(2, [...dbl(0.5), ...dbl(-Infinity)]);
  const packedVarint = bytesField(3, [...varint(300n), ...varint(2n ** 64n - 1n)]);
  const r = reader(packedFixed, fixed64Field(1, 7n), packedDouble, doubleField(2, 2.5), packedVarint, varintField(3, 5n));
  const counts: bigint[] = [];
  const bounds: number[] = [];
  const uints: bigint[] = [];
  const ints: Array<number | bigint> = [];
  while (r.hasMore()) {
    const t = r.readTag();
    if (t >>> 3 === 1) r.repeatedFixed64(t, counts);
    else if (t >>> 3 === 2) r.repeatedDouble(t, bounds);
    else {
      const at = r.pos;
      r.repeatedUint64(t, uints);
      r.pos = at;
      r.repeatedInt64(t, ints);
    }
  }
  assert.deepEqual(counts, [1n, 2n ** 64n - 1n, 7n]);
  assert.deepEqual(bounds, [0.5, -Infinity, 2.5]);
  assert.deepEqual(uints, [300n, 2n ** 64n - 1n, 5n]);
  assert.deepEqual(ints, [300, -1, 5]);
});

test('a packed field that is not a whole number of values, or whose varint runs past it, is malformed', () => {
  const r = reader(bytesField(1, [1, 2, 3]));
  assertMalformed(() => r.repeatedFixed64(r.readTag(), []), /not a whole number of 8-byte values/);
  const v = reader(bytesField(1, [0x80]), varintField(2, 1n));
  assertMalformed(() => v.repeatedUint64(v.readTag(), []), /truncated varint/);
});

test('NUL in a string is replaced with U+FFFD and not cached', () => {
  const r = reader(stringField(1, 'a\u0000b'), stringField(1, 'a\u0000b'));
  assert.equal(r.repeatedString(r.readTag()), 'a\uFFFDb');
  assert.equal(r.string(r.readTag()), 'a\uFFFDb');
});
