// The byte format of a head block (metric_head_blocks.data): the samples the series of one group got
// between two flushes, one row for the whole group instead of one per series. Series ids
// [group * HEAD_BLOCK_SERIES, (group + 1) * HEAD_BLOCK_SERIES) form a group.
//
//   byte 0     format version (1)
//   repeated   uvarint (series id - group * HEAD_BLOCK_SERIES) · uvarint byte length L · L bytes:
//              that series' samples as a chunk (chunk-codec.ts), entries in ascending id order
//
// Pure: bytes in, bytes out.
import { ChunkFormatError, putUvarint, readUvarint } from './chunk-codec';

export const HEAD_BLOCK_SERIES = 256;
const VERSION = 1;

export const headBlockGroup = (seriesId: number): number => Math.floor(seriesId / HEAD_BLOCK_SERIES);

export interface HeadBlockEntry {
  seriesId: number;
  chunk: Uint8Array;
}

/** Entries of one group, sorted by series id (the caller groups them). */
export function encodeHeadBlock(group: number, entries: readonly HeadBlockEntry[]): Uint8Array {
  let size = 1;
  for (const e of entries) size += 10 + e.chunk.length;
  const out = new Uint8Array(size);
  out[0] = VERSION;
  let at = 1;
  const base = group * HEAD_BLOCK_SERIES;
  for (const e of entries) {
    at = putUvarint(out, at, e.seriesId - base);
    at = putUvarint(out, at, e.chunk.length);
    out.set(e.chunk, at);
    at += e.chunk.length;
  }
  return out.subarray(0, at);
}

/** Calls `visit(seriesId, chunk)` for each entry whose series `wanted` accepts (the chunk is a view). */
export function forEachHeadBlockEntry(group: number, bytes: Uint8Array, wanted: (seriesId: number) => boolean, visit: (seriesId: number, chunk: Uint8Array) => void): void {
  if (bytes[0] !== VERSION) throw new ChunkFormatError(`unknown head block version ${bytes[0]}`);
  const base = group * HEAD_BLOCK_SERIES;
  const state = { pos: 1 };
  while (state.pos < bytes.length) {
    const id = base + readUvarint(bytes, state);
    const length = readUvarint(bytes, state);
    const end = state.pos + length;
    if (end > bytes.length) throw new ChunkFormatError('head block entry runs past the end');
    if (wanted(id)) visit(id, bytes.subarray(state.pos, end));
    state.pos = end;
  }
}
