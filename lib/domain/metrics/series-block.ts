// The byte format of a series block (metric_series_blocks.data): up to SERIES_BLOCK_SIZE series of
// one metric in one row instead of a row each (a row costs ~30 bytes of tuple header and line
// pointer, an int4[] 21 bytes of header, and every row an index entry).
//
//   byte 0     format version (1)
//   uvarint    number of entries
//   zigzag     base: the least first_seen_ms of the entries
//   repeated, in ascending id order:
//     uvarint  id - previous id (the first: the id)
//     uvarint  first_seen_ms - base
//     uvarint  last_seen_ms - first_seen_ms
//     uvarint  number of pairs, then each pair id - the previous one (ascending; the first: the id)
//
// A series is identified by its metric and pair ids (the dictionary holds each (name, value) once),
// so no hash of its label set is stored.
// Migration 20261129170000 writes the same bytes in SQL. Pure: bytes in, bytes out.
import { ChunkFormatError, putUvarint, readUvarint } from './chunk-codec';

/**
 * Most series per block (~0.9 KB at 7 labels): a block stays in its row (past ~2 KB PostgreSQL moves
 * it to TOAST), and is rewritten whole when one of its series changes. Migration 20261129170000 packs by it.
 */
export const SERIES_BLOCK_SIZE = 64;
const VERSION = 1;

export interface SeriesBlockEntry {
  id: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Label-pair ids (metric_label_pairs) other than the metric name's, ascending. */
  pairs: number[];
}

const zigzag = (v: number): number => (v >= 0 ? 2 * v : -2 * v - 1);
const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** The entries (any order; each one's pairs ascending) as a block. */
export function encodeSeriesBlock(entries: readonly SeriesBlockEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => a.id - b.id);
  let size = 1 + 10 + 10;
  let base = Number.MAX_SAFE_INTEGER;
  for (const e of sorted) {
    size += 10 + 10 + 10 + 5 + 5 * e.pairs.length;
    if (e.firstSeenMs < base) base = e.firstSeenMs;
  }
  if (sorted.length === 0) base = 0;
  const out = new Uint8Array(size);
  out[0] = VERSION;
  let at = putUvarint(out, 1, sorted.length);
  at = putUvarint(out, at, zigzag(base));
  let previous = 0;
  for (const e of sorted) {
    at = putUvarint(out, at, e.id - previous);
    previous = e.id;
    at = putUvarint(out, at, e.firstSeenMs - base);
    at = putUvarint(out, at, Math.max(0, e.lastSeenMs - e.firstSeenMs));
    at = putUvarint(out, at, e.pairs.length);
    let previousPair = 0;
    for (const pair of e.pairs) {
      at = putUvarint(out, at, pair - previousPair);
      previousPair = pair;
    }
  }
  return out.subarray(0, at);
}

/** Every entry of a block, ascending by id. */
export function decodeSeriesBlock(bytes: Uint8Array): SeriesBlockEntry[] {
  const out: SeriesBlockEntry[] = [];
  scanSeriesBlock(bytes, (e) => out.push({ ...e, pairs: e.pairs.slice() }));
  return out;
}

/**
 * Calls `visit` for every entry of a block, ascending by id, without allocating per entry: the
 * entry and its pairs array are reused (copy what is kept).
 */
export function scanSeriesBlock(bytes: Uint8Array, visit: (entry: Readonly<SeriesBlockEntry>) => void): void {
  if (bytes[0] !== VERSION) throw new ChunkFormatError(`unknown series block version ${bytes[0]}`);
  const state = { pos: 1 };
  const n = readUvarint(bytes, state);
  const base = unzigzag(readUvarint(bytes, state));
  const entry: SeriesBlockEntry = { id: 0, firstSeenMs: 0, lastSeenMs: 0, pairs: [] };
  const pairs = entry.pairs;
  for (let i = 0; i < n; i++) {
    entry.id += readUvarint(bytes, state);
    entry.firstSeenMs = base + readUvarint(bytes, state);
    entry.lastSeenMs = entry.firstSeenMs + readUvarint(bytes, state);
    const count = readUvarint(bytes, state);
    pairs.length = count;
    let pair = 0;
    for (let k = 0; k < count; k++) pairs[k] = pair += readUvarint(bytes, state);
    visit(entry);
  }
  if (state.pos !== bytes.length) throw new ChunkFormatError('series block has trailing bytes');
}
