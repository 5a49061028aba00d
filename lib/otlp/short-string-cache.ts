// A small, fixed-size cache from UTF-8 bytes to the JS string they decode to, for the strings that
// repeat across spans and requests: attribute keys above all ("http.request.method"), span and
// event names, scope names. It exists for speed: in profiles of the protobuf decoder, storing
// attributes under freshly decoded key strings was the largest single cost (V8 must look every new
// key string up in its string table); handing back the same string object makes that a pointer
// check and saves the decode and the allocation, roughly doubling spans/s on 20-attribute spans
// (scripts/bench-decode.ts). Attribute *values* are not cached: when they do not repeat (URLs,
// ids), the misses cost more than the hits save.
//
// Direct-mapped (one entry per hash slot, a collision simply replaces the entry), so memory is
// bounded (SLOTS x MAX_BYTES) and hostile input can only cause misses, never growth.

const SLOTS = 4096; // power of two
const MAX_BYTES = 32;

export class ShortStringCache {
  static readonly MAX_BYTES = MAX_BYTES;

  private readonly bytes = new Uint8Array(SLOTS * MAX_BYTES);
  private readonly lengths = new Uint8Array(SLOTS);
  private readonly strings: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

  /** The slot `buf[start, end)` maps to; 0 < end - start <= MAX_BYTES. */
  slotOf(buf: Uint8Array, start: number, end: number): number {
    // FNV-1a over the bytes, seeded with the length.
    let hash = 0x811c9dc5 ^ (end - start);
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    return (hash >>> 0) & (SLOTS - 1);
  }

  /** The cached string for exactly these bytes, if `slot` holds them. */
  find(slot: number, buf: Uint8Array, start: number, end: number): string | undefined {
    const cached = this.strings[slot];
    const length = end - start;
    if (cached === undefined || this.lengths[slot] !== length) return undefined;
    const bytes = this.bytes;
    const base = slot * MAX_BYTES;
    for (let i = 0; i < length; i++) if (bytes[base + i] !== buf[start + i]) return undefined;
    return cached;
  }

  store(slot: number, buf: Uint8Array, start: number, end: number, text: string): void {
    const bytes = this.bytes;
    const base = slot * MAX_BYTES;
    for (let i = start; i < end; i++) bytes[base + i - start] = buf[i]!;
    this.lengths[slot] = end - start;
    this.strings[slot] = text;
  }
}
