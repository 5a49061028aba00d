import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32Js, encodeRecord, readSegment, RECORD_HEADER_BYTES, SegmentReader } from './wal-segment';

const records = ['first', 'second', 'third'].map((text, i) => encodeRecord(i + 1, Buffer.from(text)));
const texts = (bytes: Buffer) => readSegment(bytes).records.map((r) => `${r.type}:${r.payload.toString()}`);

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('the native and the portable crc32 agree, with and without a seed; a string payload frames as its UTF-8 bytes', () => {
  assert.equal(crc32Js(Buffer.from('123456789')), 0xcbf43926);
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
  assert.equal(crc32(bytes), crc32Js(bytes));
  assert.equal(crc32(bytes.subarray(500), crc32(bytes.subarray(0, 500))), crc32Js(bytes));
  assert.equal(crc32(bytes, 12345), crc32Js(bytes, 12345));
  assert.deepEqual(encodeRecord(7, 'é{"a":1}'), encodeRecord(7, Buffer.from('é{"a":1}')));
});

test('whole records read back in order', () => {
  const read = readSegment(Buffer.concat(records));
  assert.deepEqual(texts(Buffer.concat(records)), ['1:first', '2:second', '3:third']);
  assert.deepEqual(read.corrupt, []);
  assert.equal(read.tornBytes, 0);
});

test('a torn last record is ignored, at any cut', () => {
  const whole = Buffer.concat(records);
  const lastStart = records[0]!.length + records[1]!.length;
  for (let cut = lastStart + 1; cut < whole.length; cut++) {
    const read = readSegment(whole.subarray(0, cut));
    assert.deepEqual(read.records.map((r) => r.payload.toString()), ['first', 'second'], `cut at ${cut}`);
    assert.deepEqual(read.corrupt, []);
    assert.equal(read.tornBytes, cut - lastStart);
  }
});

test('a last record whose bytes were never written (zeros) counts as torn, not corrupt', () => {
  const last = Buffer.from(records[2]!);
  last.fill(0, RECORD_HEADER_BYTES);
  const read = readSegment(Buffer.concat([records[0]!, records[1]!, last]));
  assert.equal(read.records.length, 2);
  assert.deepEqual(read.corrupt, []);
  assert.equal(read.tornBytes, last.length);
});

test('a corrupt record in the middle is reported and skipped; the ones after it are read', () => {
  const middle = Buffer.from(records[1]!);
  middle.writeUInt8(middle.readUInt8(RECORD_HEADER_BYTES + 2) ^ 0xff, RECORD_HEADER_BYTES + 2);
  const read = readSegment(Buffer.concat([records[0]!, middle, records[2]!]));
  assert.deepEqual(read.records.map((r) => r.payload.toString()), ['first', 'third']);
  assert.deepEqual(read.corrupt, [records[0]!.length]);
  assert.equal(read.tornBytes, 0);
});

test('read piece by piece, at every piece size, a segment gives what reading it whole gives', () => {
  const big = encodeRecord(9, Buffer.alloc(300, 7));
  const corrupted = Buffer.from(records[1]!);
  corrupted.writeUInt8(corrupted.readUInt8(RECORD_HEADER_BYTES + 1) ^ 0xff, RECORD_HEADER_BYTES + 1);
  const whole = Buffer.concat([records[0]!, big, corrupted, records[2]!]);
  const segments = [whole, whole.subarray(0, whole.length - 3), Buffer.concat([whole, Buffer.from([1, 2, 3, 4])])];
  for (const segment of segments) {
    const expected = readSegment(segment);
    for (let size = 1; size <= segment.length; size += size < 40 ? 1 : 37) {
      const reader = new SegmentReader(segment.length);
      const got: string[] = [];
      // One reused buffer, as the replay reads: payloads are consumed before the next piece.
      const piece = Buffer.alloc(size);
      for (let at = 0; at < segment.length && !reader.done; at += size) {
        const n = segment.copy(piece, 0, at, Math.min(at + size, segment.length));
        for (const record of reader.push(piece.subarray(0, n))) got.push(`${record.type}:${record.payload.toString('hex')}`);
      }
      const rest = reader.finish();
      assert.deepEqual(got, expected.records.map((r) => `${r.type}:${r.payload.toString('hex')}`), `piece size ${size}`);
      assert.deepEqual(rest.corrupt, expected.corrupt, `piece size ${size}`);
      assert.equal(rest.tornBytes, expected.tornBytes, `piece size ${size}`);
    }
  }
});
