// The bounded queue between receivers and writers. A receiver offers a request's rows and is
// refused with a retryable error when the queue is full, so backpressure reaches the client as
// 503 + Retry-After instead of memory growing until the process dies.
import { RetryableError } from './errors';
import type { SpanRows } from '../store/span-rows';

export interface QueueLimits {
  maxSpans: number;
  maxBytes: number;
}

export class SpanQueue {
  private items: SpanRows[] = [];
  private spans = 0;
  private bytes = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly limits: QueueLimits) {}

  get queuedSpans(): number {
    return this.spans;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Accepts rows or throws RetryableError('queue-full'); an empty queue always accepts one batch. */
  offer(rows: SpanRows): void {
    if (this.closed) throw new RetryableError('shutting-down', 'collector is shutting down', 5);
    const size = rows.copyText.length;
    if (this.items.length > 0 && (this.spans + rows.spanCount > this.limits.maxSpans || this.bytes + size > this.limits.maxBytes)) {
      throw new RetryableError(
        'queue-full',
        `ingest queue is full (${this.spans} spans, ${Math.round(this.bytes / 1048576)} MiB queued); retry later`,
        1,
      );
    }
    this.push(rows, false);
  }

  /** Returns rows a writer could not write to the front of the queue, ignoring the limits. */
  putBack(rows: readonly SpanRows[]): void {
    for (let i = rows.length - 1; i >= 0; i--) this.push(rows[i]!, true);
  }

  /**
   * Waits until rows are queued, then lingers up to `lingerMs` for more to fill a batch of
   * `maxSpans`. Returns [] once closed and empty.
   */
  async take(maxSpans: number, lingerMs: number): Promise<SpanRows[]> {
    while (this.items.length === 0) {
      if (this.closed) return [];
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.spans < maxSpans && lingerMs > 0 && !this.closed) {
      await new Promise((resolve) => setTimeout(resolve, lingerMs));
    }
    const batch: SpanRows[] = [];
    let count = 0;
    while (this.items.length > 0 && (batch.length === 0 || count + this.items[0]!.spanCount <= maxSpans)) {
      const rows = this.items.shift()!;
      this.spans -= rows.spanCount;
      this.bytes -= rows.copyText.length;
      count += rows.spanCount;
      batch.push(rows);
    }
    return batch;
  }

  /** Everything still queued, removed from the queue (for spooling at shutdown). */
  drainAll(): SpanRows[] {
    const all = this.items;
    this.items = [];
    this.spans = 0;
    this.bytes = 0;
    return all;
  }

  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  private push(rows: SpanRows, front: boolean): void {
    if (front) this.items.unshift(rows);
    else this.items.push(rows);
    this.spans += rows.spanCount;
    this.bytes += rows.copyText.length;
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
