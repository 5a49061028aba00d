// The record framing of the write-ahead log's segment files: each record is
//   u32 LE payload length · u32 LE CRC-32 of (type byte + payload) · u8 type · payload
// so a reader can tell a torn tail (the process died mid-write: ignored) from a corrupt record in
// the middle (reported and skipped by its length). Pure: buffers in, records out; a segment can be
// read whole (readSegment) or piece by piece (SegmentReader).

import zlib from 'node:zlib';

export const RECORD_HEADER_BYTES = 9;

export interface WalRecord {
  type: number;
  payload: Buffer;
}

export interface SegmentReadResult {
  records: WalRecord[];
  /** Offsets of records whose checksum did not match (skipped). */
  corrupt: number[];
  /** Bytes at the end that do not form a whole record (a write cut short by a crash). */
  tornBytes: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** zlib's native CRC-32 (Node ≥ 20.15, 22.2): the same checksum, ~10× faster than the loop below. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export function crc32(bytes: Uint8Array, seed = 0): number {
  if (nativeCrc32) return nativeCrc32(bytes, seed) >>> 0;
  return crc32Js(bytes, seed);
}

/** The portable implementation (older Node 20 releases); exported for the test that compares them. */
export function crc32Js(bytes: Uint8Array, seed = 0): number {
  let crc = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

export function encodeRecord(type: number, payload: Buffer | string | readonly Buffer[]): Buffer {
  // A string payload (JSON) is encoded straight into the record, and pieces are copied into it one
  // by one: no intermediate Buffer.
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : Array.isArray(payload) ? payload.reduce((n: number, piece: Buffer) => n + piece.length, 0) : (payload as Buffer).length;
  const out = Buffer.allocUnsafe(RECORD_HEADER_BYTES + length);
  out.writeUInt32LE(length, 0);
  out.writeUInt8(type, 8);
  if (typeof payload === 'string') out.write(payload, RECORD_HEADER_BYTES);
  else if (Array.isArray(payload)) {
    let at = RECORD_HEADER_BYTES;
    for (const piece of payload as readonly Buffer[]) at += piece.copy(out, at);
  } else (payload as Buffer).copy(out, RECORD_HEADER_BYTES);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

/** Reads every whole record of a segment; see SegmentReadResult for what is skipped. */
export function readSegment(bytes: Buffer): SegmentReadResult {
  const reader = new SegmentReader(bytes.length);
  const records = reader.push(bytes);
  return { records, ...reader.finish() };
}

/**
 * Reads a segment of a known length piece by piece (replay reads a file in chunks instead of loading
 * it whole): `push` returns the records each piece completes, `finish` what was skipped. Only a
 * record not yet whole is held between pieces (copied, so the caller may reuse its read buffer);
 * the payloads `push` returns point into the piece given, to be used before the next one.
 */
export class SegmentReader {
  private carry: Buffer = Buffer.alloc(0);
  /** File offset of carry[0]: everything before it has been read. */
  private offset = 0;
  private readonly corrupt: number[] = [];
  /** Nothing after `offset` can form a record (a torn tail): more bytes are not needed. */
  done = false;

  constructor(private readonly totalLength: number) {}

  push(piece: Buffer): WalRecord[] {
    if (this.done) return [];
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, piece]) : piece;
    const records: WalRecord[] = [];
    let at = 0;
    while (bytes.length - at >= RECORD_HEADER_BYTES) {
      const length = bytes.readUInt32LE(at);
      const end = at + RECORD_HEADER_BYTES + length;
      if (this.offset + end > this.totalLength) {
        this.done = true; // runs past the end of the segment: a write cut short
        break;
      }
      if (end > bytes.length) break; // the rest comes with the next piece
      const body = bytes.subarray(at + 8, end);
      if (crc32(body) === bytes.readUInt32LE(at + 4)) {
        records.push({ type: body[0]!, payload: body.subarray(1) });
      } else if (this.offset + end === this.totalLength) {
        // The last record, cut short with its length already on disk: a torn write, not corruption.
        this.done = true;
        break;
      } else {
        this.corrupt.push(this.offset + at);
      }
      at = end;
    }
    this.offset += at;
    this.carry = this.done ? Buffer.alloc(0) : Buffer.from(bytes.subarray(at));
    return records;
  }

  finish(): Omit<SegmentReadResult, 'records'> {
    return { corrupt: this.corrupt, tornBytes: this.totalLength - this.offset };
  }
}
