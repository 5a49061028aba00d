// The byte format of one metrics chunk: a run of samples of one series, as stored in the `data`
// bytea of metric_chunks / metric_head_segments. After Prometheus's XOR chunk (tsdb/chunkenc/xor.go,
// from Facebook's Gorilla paper, VLDB 2015 §4.1):
//
//   byte 0       format version (1)
//   uvarint      n, the sample count
//   uvarint      byte length L of the timestamp section
//   L bytes      timestamps: t0 as a zigzag varint, then (n > 1) the first delta, then one
//                delta-of-delta per sample, each a zigzag varint. Regular scrapes make every
//                delta-of-delta 0, i.e. one byte per sample.
//   the rest     values, a bit stream (MSB first): v0's 64 bits, then per sample the XOR with the
//                previous value's bits: `0` when equal; `10` + the meaningful bits when they fit
//                the previous leading/trailing-zero window; else `11` + 5 bits leading zeros +
//                6 bits meaningful-bit count (0 = 64) + the meaningful bits.
//
// Values are compared and stored as raw float64 bits, so NaN payloads (Prometheus's staleness
// marker 0x7ff0000000000002) and ±Inf come back bit for bit. Timestamps are integer milliseconds
// within ±2^53.
import type { Sample } from './types';

const VERSION = 1;

// One 8-byte scratch area viewed as a float and as two 32-bit halves (hi holds the sign/exponent).
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = LITTLE_ENDIAN ? 0 : 1;

class ByteWriter {
  bytes = new Uint8Array(64);
  length = 0;

  byte(value: number): void {
    if (this.length === this.bytes.length) this.grow();
    this.bytes[this.length++] = value;
  }

  /** Unsigned varint of a non-negative integer up to 2^53. */
  uvarint(value: number): void {
    while (value >= 0x80) {
      this.byte((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.byte(value);
  }

  zigzag(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  private grow(): void {
    const next = new Uint8Array(this.bytes.length * 2);
    next.set(this.bytes);
    this.bytes = next;
  }
}

class BitWriter {
  bytes = new Uint8Array(64);
  /** Whole bytes written; `bitPos` bits of bytes[length] are in use. */
  length = 0;
  private bitPos = 0;

  /** Writes the low `count` (0..32) bits of `value`, most significant first. */
  bits(value: number, count: number): void {
    while (count > 0) {
      if (this.length >= this.bytes.length - 1) this.grow();
      const free = 8 - this.bitPos;
      const take = free < count ? free : count;
      const chunk = (value >>> (count - take)) & ((1 << take) - 1);
      this.bytes[this.length] = this.bytes[this.length]! | (chunk << (free - take));
      this.bitPos += take;
      count -= take;
      if (this.bitPos === 8) {
        this.length++;
        this.bitPos = 0;
      }
    }
  }

  /** Bytes holding every bit written (the last one zero-padded): bytes[0, finishedLength). */
  get finishedLength(): number {
    return this.length + (this.bitPos > 0 ? 1 : 0);
  }

  /** Empty again (the bytes written are zeroed: bits() ORs into them). */
  reset(): void {
    this.bytes.fill(0, 0, Math.min(this.bytes.length, this.length + 1));
    this.length = 0;
    this.bitPos = 0;
  }

  private grow(): void {
    const next = new Uint8Array(this.bytes.length * 2);
    next.set(this.bytes);
    this.bytes = next;
  }
}

export class ChunkFormatError extends Error {
  override name = 'ChunkFormatError';
}

/** Leading zeros of the 64-bit (hi, lo). */
function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/** Writes bits [trailing, 64 - leading) of (hi, lo), i.e. `count` bits ending at `trailing`. */
function writeMeaningful(out: BitWriter, hi: number, lo: number, trailing: number, count: number): void {
  // Shift (hi, lo) right by `trailing`.
  let sHi: number;
  let sLo: number;
  if (trailing === 0) {
    sHi = hi;
    sLo = lo;
  } else if (trailing < 32) {
    sLo = ((lo >>> trailing) | (hi << (32 - trailing))) >>> 0;
    sHi = hi >>> trailing;
  } else {
    sLo = hi >>> (trailing - 32);
    sHi = 0;
  }
  if (count > 32) {
    out.bits(sHi, count - 32);
    out.bits(sLo, 32);
  } else {
    out.bits(sLo, count);
  }
}

/** Encodes samples (ascending, integer t) into one chunk. */
// Scratch writers reused by every encodeChunk() call (synchronous, not re-entrant): the head encodes
// a small chunk per active series at every flush, and three fresh buffers per chunk were most of
// that cost (typed-array allocations and their garbage). Only the result is allocated.
const scratchTimes = new ByteWriter();
const scratchValues = new BitWriter();

export function encodeChunk(times: ArrayLike<number>, values: ArrayLike<number>, count = times.length): Uint8Array {
  const ts = scratchTimes;
  ts.length = 0;
  const vs = scratchValues;
  vs.reset();
  let prevT = 0;
  let prevDelta = 0;
  let prevHi = 0;
  let prevLo = 0;
  let leading = -1;
  let trailing = 0;
  for (let i = 0; i < count; i++) {
    const t = times[i]!;
    if (i === 0) ts.zigzag(t);
    else {
      const delta = t - prevT;
      if (i === 1) ts.zigzag(delta);
      else ts.zigzag(delta - prevDelta);
      prevDelta = delta;
    }
    prevT = t;

    f64[0] = values[i]!;
    const hi = u32[HI]!;
    const lo = u32[LO]!;
    if (i === 0) {
      vs.bits(hi, 32);
      vs.bits(lo, 32);
    } else {
      const xHi = (hi ^ prevHi) >>> 0;
      const xLo = (lo ^ prevLo) >>> 0;
      if (xHi === 0 && xLo === 0) vs.bits(0, 1);
      else {
        let lead = clz64(xHi, xLo);
        const trail = ctz64(xHi, xLo);
        if (lead > 31) lead = 31; // 5 bits
        if (leading !== -1 && lead >= leading && trail >= trailing) {
          vs.bits(0b10, 2);
          writeMeaningful(vs, xHi, xLo, trailing, 64 - leading - trailing);
        } else {
          leading = lead;
          trailing = trail;
          const significant = 64 - lead - trail;
          vs.bits(0b11, 2);
          vs.bits(lead, 5);
          vs.bits(significant === 64 ? 0 : significant, 6);
          writeMeaningful(vs, xHi, xLo, trail, significant);
        }
      }
    }
    prevHi = hi;
    prevLo = lo;
  }
  const valueLength = vs.finishedLength;
  const headerLength = 1 + uvarintLength(count) + uvarintLength(ts.length);
  const out = new Uint8Array(headerLength + ts.length + valueLength);
  out[0] = VERSION;
  let at = putUvarint(out, 1, count);
  at = putUvarint(out, at, ts.length);
  for (let i = 0; i < ts.length; i++) out[at++] = ts.bytes[i]!;
  for (let i = 0; i < valueLength; i++) out[at++] = vs.bytes[i]!;
  return out;
}

function uvarintLength(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    n++;
  }
  return n;
}

/** Writes `value` as an unsigned varint at `at`; returns the index after it. Shared with head-block.ts. */
export function putUvarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  out[at++] = value;
  return at;
}

/** Reads a varint at `state.pos`, advancing it. Shared with head-block.ts. */
export function readUvarint(bytes: Uint8Array, state: { pos: number }): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    if (state.pos >= bytes.length) throw new ChunkFormatError('varint runs past the end');
    const b = bytes[state.pos++]!;
    result += (b & 0x7f) * scale;
    if (b < 0x80) return result;
    scale *= 0x80;
    if (scale > 2 ** 56) throw new ChunkFormatError('varint too long');
  }
}

function readZigzag(bytes: Uint8Array, state: { pos: number }): number {
  const u = readUvarint(bytes, state);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/** The first timestamp of a non-empty chunk, read from its header only. */
export function chunkStart(bytes: Uint8Array): number {
  if (bytes[0] !== VERSION) throw new ChunkFormatError(`unknown chunk version ${bytes[0]}`);
  const state = { pos: 1 };
  readUvarint(bytes, state);
  readUvarint(bytes, state);
  return readZigzag(bytes, state);
}

/** The number of samples in a chunk, read from its header only. */
export function chunkSampleCount(bytes: Uint8Array): number {
  if (bytes[0] !== VERSION) throw new ChunkFormatError(`unknown chunk version ${bytes[0]}`);
  return readUvarint(bytes, { pos: 1 });
}

/**
 * Calls `visit(t, v)` for every sample of the chunk, in order. The value is produced from its
 * bits through a Float64Array, which keeps NaN payloads.
 */
export function forEachChunkSample(bytes: Uint8Array, visit: (t: number, v: number) => void): void {
  const n = chunkSampleCount(bytes);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  decodeChunkInto(bytes, t, v, 0);
  for (let i = 0; i < n; i++) visit(t[i]!, v[i]!);
}

/**
 * Decodes the chunk's samples into `t` and `v` from index `at` (the arrays must have room for
 * chunkSampleCount() more) and returns how many it wrote. Values are written as their raw bits
 * (through a 32-bit view of `v`), so NaN payloads such as the staleness marker survive exactly:
 * the columnar read path of the query engine, with no object per sample.
 */
export function decodeChunkInto(bytes: Uint8Array, out: Float64Array, values: Float64Array, at: number): number {
  if (bytes[0] !== VERSION) throw new ChunkFormatError(`unknown chunk version ${bytes[0]}`);
  cursor = 1;
  const n = uvarintAt(bytes);
  if (at + n > out.length || at + n > values.length) throw new ChunkFormatError('chunk holds more samples than room was made for');
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const tsLength = uvarintAt(bytes);
  const tsEnd = cursor + tsLength;
  if (tsEnd > bytes.length) throw new ChunkFormatError('timestamp section runs past the end');
  bitCursor = tsEnd * 8;
  const bitLimit = bytes.length * 8;
  let t = 0;
  let delta = 0;
  let hi = 0;
  let lo = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0) t = zigzagAt(bytes);
    else if (i === 1) {
      delta = zigzagAt(bytes);
      t += delta;
    } else {
      delta += zigzagAt(bytes);
      t += delta;
    }
    if (cursor > tsEnd) throw new ChunkFormatError('timestamps run past their section');

    if (i === 0) {
      hi = readBits(bytes, bitLimit, 32);
      lo = readBits(bytes, bitLimit, 32);
    } else if (readBits(bytes, bitLimit, 1) === 1) {
      if (readBits(bytes, bitLimit, 1) === 1) {
        leading = readBits(bytes, bitLimit, 5);
        let significant = readBits(bytes, bitLimit, 6);
        if (significant === 0) significant = 64;
        trailing = 64 - leading - significant;
        if (trailing < 0) throw new ChunkFormatError('invalid XOR window');
      }
      const count = 64 - leading - trailing;
      let mHi = 0;
      let mLo: number;
      if (count > 32) {
        mHi = readBits(bytes, bitLimit, count - 32);
        mLo = readBits(bytes, bitLimit, 32);
      } else mLo = readBits(bytes, bitLimit, count);
      // Shift (mHi, mLo) left by `trailing` and XOR into the previous bits.
      let xHi: number;
      let xLo: number;
      if (trailing === 0) {
        xHi = mHi;
        xLo = mLo;
      } else if (trailing < 32) {
        xHi = ((mHi << trailing) | (mLo >>> (32 - trailing))) >>> 0;
        xLo = (mLo << trailing) >>> 0;
      } else {
        xHi = (mLo << (trailing - 32)) >>> 0;
        xLo = 0;
      }
      hi = (hi ^ xHi) >>> 0;
      lo = (lo ^ xLo) >>> 0;
    }
    const k = at + i;
    out[k] = t;
    words[2 * k + HI] = hi;
    words[2 * k + LO] = lo;
  }
  return n;
}

// The decoder's read positions, module state rather than objects (decoding is synchronous and not
// re-entrant): `cursor` in bytes for the varints, `bitCursor` in bits for the value stream.
let cursor = 0;
let bitCursor = 0;

function uvarintAt(bytes: Uint8Array): number {
  let result = 0;
  let scale = 1;
  for (;;) {
    if (cursor >= bytes.length) throw new ChunkFormatError('varint runs past the end');
    const b = bytes[cursor++]!;
    result += (b & 0x7f) * scale;
    if (b < 0x80) return result;
    scale *= 0x80;
    if (scale > 2 ** 56) throw new ChunkFormatError('varint too long');
  }
}

function zigzagAt(bytes: Uint8Array): number {
  // One-byte varints (a regular scrape's delta-of-delta 0) without the loop.
  if (cursor < bytes.length && bytes[cursor]! < 0x80) {
    const u = bytes[cursor++]!;
    return u & 1 ? -(u + 1) / 2 : u / 2;
  }
  const u = uvarintAt(bytes);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

/** `count` (0..32) bits at bitCursor, MSB first, as an unsigned integer; a 32-bit window at a time. */
function readBits(bytes: Uint8Array, bitLimit: number, count: number): number {
  if (count > 24) {
    const high = readBits(bytes, bitLimit, count - 16);
    return high * 65536 + readBits(bytes, bitLimit, 16);
  }
  if (count === 0) return 0;
  const end = bitCursor + count;
  if (end > bitLimit) throw new ChunkFormatError('value bits end early');
  const i = bitCursor >>> 3;
  let window: number;
  if (i + 3 < bytes.length) window = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
  else {
    window = 0;
    for (let k = 0; k < 4; k++) window = window * 256 + (i + k < bytes.length ? bytes[i + k]! : 0);
  }
  const bits = ((window << (bitCursor & 7)) >>> 0) >>> (32 - count);
  bitCursor = end;
  return bits;
}

export function decodeChunk(bytes: Uint8Array): Sample[] {
  const out: Sample[] = [];
  forEachChunkSample(bytes, (t, v) => out.push({ t, v }));
  return out;
}
