// Collects text as UTF-8 in fixed-size byte chunks, so a big response leaves as soon as each chunk
// fills. Text is encoded by Buffer#write straight into the chunk: no intermediate joined string.

const NO_CHUNKS: readonly Uint8Array[] = [];

export class Utf8ChunkWriter {
  private buffer: Buffer;
  private position = 0;
  private readonly filled: Uint8Array[] = [];

  constructor(private readonly chunkBytes = 256 * 1024) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const room = text.length * 3;
    if (this.position + room > this.buffer.length) {
      // A chunk is never written again once handed out: start a new one.
      if (this.position > 0) this.filled.push(this.buffer.subarray(0, this.position));
      this.buffer = Buffer.allocUnsafe(Math.max(this.chunkBytes, room));
      this.position = 0;
    }
    this.position += this.buffer.write(text, this.position);
  }

  /** The chunks filled so far (the open one stays open). Called after every span: usually none. */
  takeFullChunks(): readonly Uint8Array[] {
    return this.filled.length === 0 ? NO_CHUNKS : this.filled.splice(0);
  }

  /** Everything written and not yet taken, the open chunk included. */
  takeAll(): Uint8Array[] {
    if (this.position > 0) {
      this.filled.push(this.buffer.subarray(0, this.position));
      this.buffer = Buffer.allocUnsafe(this.chunkBytes);
      this.position = 0;
    }
    return this.filled.splice(0);
  }
}
