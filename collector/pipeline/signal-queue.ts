// The bounded queue between a signal's receivers and its writers; one per signal. A receiver offers
// a request's rows and is refused with a retryable error when the queue is full (its own item limit,
// or the memory budget all queues share), so backpressure reaches the client as 503 + Retry-After
// instead of memory growing until the process dies.
//
// A batch a writer has already tried to write carries its batch id ("sealed"): it is put back as
// it was and taken again alone, never merged with others, so that a retry writes exactly the rows
// the id stands for (see SignalStore.write).
import { RetryableError } from './errors';
import type { BudgetUser, MemoryBudget } from './memory-budget';

export interface QueuedRows<Rows> {
  rows: Rows;
  count: number;
  bytes: number;
  /** Set once a writer has tried to write these rows as one batch. */
  batchId?: string;
  /** The write-ahead log records holding these rows (write-ahead-log.ts), when there is a log. */
  walRecords?: number[];
}

export class SignalQueue<Rows> implements BudgetUser {
  private items: QueuedRows<Rows>[] = [];
  private count = 0;
  private bytes = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly maxItems: number,
    private readonly budget: MemoryBudget,
  ) {
    budget.register(this);
  }

  get queuedItems(): number {
    return this.count;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Accepts rows or throws RetryableError('queue-full'); an empty queue always accepts one batch. */
  offer(item: QueuedRows<Rows>): void {
    this.checkRoom(item);
    this.push(item, false);
  }

  /** Throws what offer() would throw for `item`, without queuing it. */
  checkRoom(item: { count: number; bytes: number }): void {
    if (this.closed) throw new RetryableError('shutting-down', 'collector is shutting down', 5);
    if (this.items.length > 0 && (this.count + item.count > this.maxItems || !this.budget.allows(this, item.bytes))) {
      throw new RetryableError(
        'queue-full',
        `ingest queue is full (${this.count} items, ${Math.round(this.bytes / 1048576)} MiB queued); retry later`,
        1,
      );
    }
  }

  /** Returns rows a writer could not write to the front of the queue, ignoring the limits. */
  putBack(items: readonly QueuedRows<Rows>[]): void {
    for (let i = items.length - 1; i >= 0; i--) this.push(items[i]!, true);
  }

  /**
   * Waits until rows are queued, then lingers up to `lingerMs` for more to fill a batch of
   * `maxItems`. A sealed batch at the front is returned alone. Returns [] once closed and empty.
   */
  async take(maxItems: number, lingerMs: number): Promise<QueuedRows<Rows>[]> {
    for (;;) {
      while (this.items.length === 0) {
        if (this.closed) return [];
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
      if (this.items[0]!.batchId === undefined && this.count < maxItems && lingerMs > 0 && !this.closed) {
        await new Promise((resolve) => setTimeout(resolve, lingerMs));
      }
      // Another writer woken by the same rows may have taken them all while this one lingered: wait
      // again rather than return [] (which a writer reads as "closed", and would stop for good).
      if (this.items.length > 0 || this.closed) break;
    }
    const batch: QueuedRows<Rows>[] = [];
    let count = 0;
    while (this.items.length > 0) {
      const next = this.items[0]!;
      if (batch.length > 0 && (next.batchId !== undefined || batch[0]!.batchId !== undefined || count + next.count > maxItems)) break;
      this.items.shift();
      this.count -= next.count;
      this.bytes -= next.bytes;
      count += next.count;
      batch.push(next);
    }
    return batch;
  }

  /** Everything still queued, removed from the queue (for spooling at shutdown). */
  drainAll(): QueuedRows<Rows>[] {
    const all = this.items;
    this.items = [];
    this.count = 0;
    this.bytes = 0;
    return all;
  }

  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  private push(item: QueuedRows<Rows>, front: boolean): void {
    if (front) this.items.unshift(item);
    else this.items.push(item);
    this.count += item.count;
    this.bytes += item.bytes;
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
