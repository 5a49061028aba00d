// A small protobuf wire-format reader over one Uint8Array, for the OTLP ingest hot path.
// Wire format: https://protobuf.dev/programming-guides/encoding/
//
// One reader walks the whole request; an embedded message is entered by narrowing `limit` to its
// end (enter/leave) rather than by allocating a sub-reader, and every read is bounded by `limit`,
// so a field can never run past the message that contains it. Any bad input (truncation, a length
// past the end, an over-long varint, an invalid or group wire type) throws
// MalformedPayloadError (a PermanentError('malformed')) naming the byte offset; nothing else.
//
// The typed field reads (`string(tag)`, `fixed64(tag)`, ...) take the tag just read and insist on
// the wire type the schema declares. Strictly, protobuf parsers treat a known field arriving with
// another wire type as an unknown field; we refuse it instead, because for OTLP it only ever means a
// broken encoder and a loud 400 helps its author more than silently missing data.
import { Buffer } from 'node:buffer';
import { cleanDecodedUtf8 } from './clean-text';
import { MalformedPayloadError } from './malformed';
import { ShortStringCache } from './short-string-cache';

export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  /** Deprecated groups: never used by OTLP; we refuse them rather than skip them. */
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const WIRE_TYPE_NAMES = ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32', '6', '7'] as const;

const TWO_POW_32 = 4294967296;

/** Shared by all readers: attribute keys and names repeat across requests, not just within one. */
const shortStrings = new ShortStringCache();

export class ProtobufReader {
  /** Offset of the next byte to read. */
  pos = 0;
  /** End of the message being read (exclusive); narrowed by enter(), restored by leave(). */
  limit: number;

  private readonly buf: Uint8Array;
  private readonly view: DataView;
  private readonly nodeBuf: Buffer;
  /** Offset of the last tag read, for error messages. */
  private tagPos = 0;
  /** High 32 bits of the varint last read by readVarintLow(). */
  private high = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.limit = buf.length;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.nodeBuf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  hasMore(): boolean {
    return this.pos < this.limit;
  }

  /**
   * Reads a field tag (field_number << 3 | wire_type). Refuses field number 0 and wire types 6 and
   * 7, which no encoder can produce, so a random or shifted buffer fails here early.
   */
  readTag(): number {
    this.tagPos = this.pos;
    const tag = this.readVarintLow() >>> 0;
    if (this.high !== 0) this.fail(`field tag too large`, this.tagPos);
    if (tag >>> 3 === 0) this.fail(`invalid field number 0`, this.tagPos);
    if ((tag & 7) > WireType.I32) this.fail(`invalid wire type ${tag & 7}`, this.tagPos);
    return tag;
  }

  // ---- typed field reads: check the wire type of `tag`, then read the value ------------------

  /** uint32 / enum fields (an int32 enum may be sign-extended to 10 bytes: keep the low 32 bits). */
  uint32(tag: number): number {
    this.expectWire(tag, WireType.VARINT);
    return this.readVarintLow() >>> 0;
  }

  /** int32 fields, including enums: negative values are sign-extended 10-byte varints. */
  int32(tag: number): number {
    this.expectWire(tag, WireType.VARINT);
    return this.readVarintLow() | 0;
  }

  bool(tag: number): boolean {
    this.expectWire(tag, WireType.VARINT);
    const low = this.readVarintLow();
    return low !== 0 || this.high !== 0;
  }

  /** int64 as a JS number when it is a safe integer, else as a bigint (never rounded). */
  int64(tag: number): number | bigint {
    this.expectWire(tag, WireType.VARINT);
    return this.readInt64();
  }

  uint64(tag: number): bigint {
    this.expectWire(tag, WireType.VARINT);
    return this.readVarint64();
  }

  fixed32(tag: number): number {
    this.expectWire(tag, WireType.I32);
    return this.readFixed32();
  }

  fixed64(tag: number): bigint {
    this.expectWire(tag, WireType.I64);
    return this.readFixed64();
  }

  double(tag: number): number {
    this.expectWire(tag, WireType.I64);
    return this.readDouble();
  }

  string(tag: number): string {
    this.expectWire(tag, WireType.LEN);
    const length = this.readLength();
    const start = this.pos;
    this.pos += length;
    return this.decodeUtf8(start, this.pos);
  }

  /**
   * A string field whose values repeat across messages (attribute keys, names): decoded through
   * a cache that hands back the same string object for the same bytes (see short-string-cache.ts).
   */
  repeatedString(tag: number): string {
    this.expectWire(tag, WireType.LEN);
    const length = this.readLength();
    const start = this.pos;
    this.pos += length;
    if (length === 0 || length > ShortStringCache.MAX_BYTES) return this.decodeUtf8(start, this.pos);
    const slot = shortStrings.slotOf(this.buf, start, this.pos);
    const cached = shortStrings.find(slot, this.buf, start, this.pos);
    if (cached !== undefined) return cached;
    const text = this.decodeUtf8(start, this.pos);
    // Cleaned text is not cached: every occurrence must be counted as a repair.
    if (text.indexOf('\uFFFD') === -1) shortStrings.store(slot, this.buf, start, this.pos, text);
    return text;
  }

  // ---- repeated scalars: packed (one LEN field) or not (one field per value) ------------------
  // proto3 encoders pack repeated scalars, but parsers must accept both forms
  // (https://protobuf.dev/programming-guides/encoding/#packed). Values are appended to `out`, so a
  // field split over several occurrences concatenates, as the spec requires.

  /** repeated fixed64 (e.g. HistogramDataPoint.bucket_counts). */
  repeatedFixed64(tag: number, out: bigint[]): void {
    if ((tag & 7) === WireType.I64) {
      out.push(this.readFixed64());
      return;
    }
    const end = this.packedEnd(tag, 8);
    while (this.pos < end) out.push(this.readFixed64());
  }

  /** repeated double (e.g. HistogramDataPoint.explicit_bounds). */
  repeatedDouble(tag: number, out: number[]): void {
    if ((tag & 7) === WireType.I64) {
      out.push(this.readDouble());
      return;
    }
    const end = this.packedEnd(tag, 8);
    while (this.pos < end) out.push(this.readDouble());
  }

  /** repeated uint64 (e.g. ExponentialHistogram bucket counts). */
  repeatedUint64(tag: number, out: bigint[]): void {
    if ((tag & 7) === WireType.VARINT) {
      out.push(this.readVarint64());
      return;
    }
    const end = this.packedEnd(tag, 0);
    const outer = this.limit;
    this.limit = end; // a varint may not run past the packed field
    try {
      while (this.pos < end) out.push(this.readVarint64());
    } finally {
      this.limit = outer;
    }
  }

  /** repeated int64 / sint-free signed varints: numbers when safe, else bigints. */
  repeatedInt64(tag: number, out: Array<number | bigint>): void {
    if ((tag & 7) === WireType.VARINT) {
      out.push(this.readInt64());
      return;
    }
    const end = this.packedEnd(tag, 0);
    const outer = this.limit;
    this.limit = end;
    try {
      while (this.pos < end) out.push(this.readInt64());
    } finally {
      this.limit = outer;
    }
  }

  /** Reads a packed field's length and returns where it ends; fixed-width values must fit exactly. */
  private packedEnd(tag: number, width: number): number {
    this.expectWire(tag, WireType.LEN);
    const start = this.pos;
    const length = this.readLength();
    if (width > 0 && length % width !== 0) this.fail(`packed field ${tag >>> 3} of ${length} bytes is not a whole number of ${width}-byte values`, start);
    return this.pos + length;
  }

  /** A bytes field as a view into the request buffer (no copy: do not keep it past the request). */
  bytes(tag: number): Uint8Array {
    this.expectWire(tag, WireType.LEN);
    const length = this.readLength();
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }

  /** A bytes field as lowercase hex, the form trace and span ids take everywhere in Meshlight. */
  hex(tag: number): string {
    this.expectWire(tag, WireType.LEN);
    const length = this.readLength();
    const start = this.pos;
    this.pos += length;
    return length === 0 ? '' : this.nodeBuf.toString('hex', start, this.pos);
  }

  /** A bytes field as standard, padded base64. */
  base64(tag: number): string {
    this.expectWire(tag, WireType.LEN);
    const length = this.readLength();
    const start = this.pos;
    this.pos += length;
    return length === 0 ? '' : this.nodeBuf.toString('base64', start, this.pos);
  }

  /**
   * Starts reading an embedded message: narrows `limit` to its end and returns the enclosing
   * limit, which the caller hands back to leave() once hasMore() turns false.
   */
  enter(tag: number): number {
    this.expectWire(tag, WireType.LEN);
    const length = this.readLength();
    const outer = this.limit;
    this.limit = this.pos + length;
    return outer;
  }

  leave(outerLimit: number): void {
    this.limit = outerLimit;
  }

  /** Skips a field this decoder does not know, as the protobuf spec requires. */
  skip(tag: number): void {
    switch (tag & 7) {
      case WireType.VARINT:
        this.readVarintLow();
        return;
      case WireType.I64:
        this.advance(8);
        return;
      case WireType.LEN: {
        // Not `this.pos += this.readLength()`: that would add to the position before the length.
        const length = this.readLength();
        this.pos += length;
        return;
      }
      case WireType.I32:
        this.advance(4);
        return;
      default:
        this.fail(`field ${tag >>> 3} uses a group (wire type ${tag & 7}), which OTLP never does`, this.tagPos);
    }
  }

  // ---- raw reads --------------------------------------------------------------------------------

  /** Reads a varint of up to 64 bits as an unsigned bigint. */
  readVarint64(): bigint {
    const low = this.readVarintLow() >>> 0;
    const high = this.high >>> 0;
    return high === 0 ? BigInt(low) : (BigInt(high) << 32n) | BigInt(low);
  }

  /** Reads a varint as a two's-complement int64: a number when safe, a bigint otherwise. */
  readInt64(): number | bigint {
    const low = this.readVarintLow() >>> 0;
    const high = this.high >>> 0;
    // |value| < 2^53 exactly when the top 11 bits of the magnitude are clear.
    if ((high & 0xffe00000) === 0) return high * TWO_POW_32 + low;
    if (high & 0x80000000) {
      // Negative: the magnitude is the two's complement of the 64-bit value.
      const magLow = (~low + 1) >>> 0;
      const magHigh = (~high + (magLow === 0 ? 1 : 0)) >>> 0;
      if ((magHigh & 0xffe00000) === 0) return -(magHigh * TWO_POW_32 + magLow);
    }
    return BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low));
  }

  readFixed32(): number {
    const start = this.advance(4);
    return this.view.getUint32(start, true);
  }

  readFixed64(): bigint {
    const start = this.advance(8);
    return this.view.getBigUint64(start, true);
  }

  readDouble(): number {
    const start = this.advance(8);
    return this.view.getFloat64(start, true);
  }

  /** Reads a length prefix and checks that many bytes remain in the current message. */
  readLength(): number {
    const start = this.pos;
    const length = this.readVarintLow() >>> 0;
    const remaining = this.limit - this.pos;
    if (this.high !== 0 || length > remaining) {
      const value = this.high !== 0 ? 'over 4 GiB' : String(length);
      this.fail(`length ${value} exceeds the ${remaining} bytes left in the enclosing message`, start);
    }
    return length;
  }

  /**
   * Reads a varint of up to 10 bytes; returns its low 32 bits (as a signed int32; use `>>> 0`
   * for unsigned) and leaves the high 32 bits in `this.high`. Bits past 64 are ignored, as
   * protobuf parsers do.
   */
  private readVarintLow(): number {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let pos = start;
    // Fast path: one-byte varints (tags, small lengths, counts) are by far the most common.
    if (pos < limit) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        this.high = 0;
        return b;
      }
    }
    let low = 0;
    let high = 0;
    let b: number;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= limit) this.truncated('varint', start);
      b = buf[pos++]!;
      low |= (b & 0x7f) << shift;
      if (b < 0x80) return this.endVarint(pos, low, 0);
    }
    // The fifth byte straddles the two halves: 4 bits go low, 3 bits go high.
    if (pos >= limit) this.truncated('varint', start);
    b = buf[pos++]!;
    low |= (b & 0x0f) << 28;
    high = (b & 0x7f) >>> 4;
    if (b < 0x80) return this.endVarint(pos, low, high);
    for (let shift = 3; shift < 38; shift += 7) {
      if (pos >= limit) this.truncated('varint', start);
      b = buf[pos++]!;
      high |= (b & 0x7f) << shift;
      if (b < 0x80) return this.endVarint(pos, low, high);
    }
    return this.fail('varint longer than 10 bytes', start);
  }

  private endVarint(pos: number, low: number, high: number): number {
    this.pos = pos;
    this.high = high;
    return low;
  }

  /** Moves past `count` bytes of the current message and returns where they start. */
  private advance(count: number): number {
    const start = this.pos;
    if (this.limit - start < count) this.truncated(`${count}-byte fixed value`, start);
    this.pos = start + count;
    return start;
  }

  private decodeUtf8(start: number, end: number): string {
    // Measured: a JS loop decoding short ASCII strings is no faster than TextDecoder here (it
    // builds cons-strings V8 must flatten later); repeatedString() is the fast path that pays.
    // NUL is legal UTF-8 but PostgreSQL text cannot hold it (see clean-text.ts).
    // Buffer's utf8 slice replaces invalid sequences as TextDecoder does (U+FFFD per maximal
    // subpart, a BOM kept) and costs 40 % less: no subarray view per string.
    return start === end ? '' : cleanDecodedUtf8(this.nodeBuf.toString('utf8', start, end));
  }

  private expectWire(tag: number, expected: WireType): void {
    if ((tag & 7) !== expected) {
      this.fail(
        `field ${tag >>> 3} has wire type ${WIRE_TYPE_NAMES[tag & 7]}, expected ${WIRE_TYPE_NAMES[expected]}`,
        this.tagPos,
      );
    }
  }

  private truncated(what: string, start: number): never {
    return this.fail(`truncated ${what}`, start);
  }

  private fail(detail: string, offset: number): never {
    throw new MalformedPayloadError(`protobuf: ${detail} at byte ${offset}`);
  }
}
