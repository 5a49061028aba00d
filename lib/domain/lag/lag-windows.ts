// The sliding windows Burrow's rules read: the last observations of each partition of each
// consumer group or queue, bounded in count and age. Per-process state behind a small interface so
// a shared store can replace it when collectors run as several replicas.
import type { LagObservation } from './burrow';

export interface LagWindowOptions {
  /** Observations kept per partition (Burrow's default window is 10 offsets). */
  maxObservations: number;
  /** Observations older than this are forgotten, ms. */
  maxAgeMs: number;
  /** Most partitions tracked; past it the least recently seen are dropped. */
  maxPartitions: number;
}

export const DEFAULT_LAG_WINDOW: LagWindowOptions = { maxObservations: 10, maxAgeMs: 15 * 60_000, maxPartitions: 50_000 };

export class LagWindows {
  private readonly windows = new Map<string, LagObservation[]>();

  constructor(private readonly options: LagWindowOptions = DEFAULT_LAG_WINDOW) {}

  /** Adds an observation (ignored when not newer than the last one of that partition). */
  add(key: string, observation: LagObservation): void {
    let w = this.windows.get(key);
    if (!w) {
      if (this.windows.size >= this.options.maxPartitions) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      w = [];
    } else {
      this.windows.delete(key); // re-insert: Map order is least recently seen first
      if (w.length && w[w.length - 1]!.t >= observation.t) {
        this.windows.set(key, w);
        return;
      }
    }
    w.push(observation);
    const cutoff = observation.t - this.options.maxAgeMs;
    while (w.length > this.options.maxObservations || (w.length > 1 && w[0]!.t < cutoff)) w.shift();
    this.windows.set(key, w);
  }

  get(key: string): readonly LagObservation[] {
    return this.windows.get(key) ?? [];
  }

  /** Forgets partitions not seen since `beforeMs` (a queue deleted, a group gone). */
  forgetOlderThan(beforeMs: number): void {
    for (const [key, w] of this.windows) if (!w.length || w[w.length - 1]!.t < beforeMs) this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }
}
