// The pairing store of the service graph, after Tempo's servicegraph processor and the
// OpenTelemetry Collector's servicegraph connector (processor/servicegraphprocessor/internal/store):
// the two halves of an edge — the initiator (a CLIENT or PRODUCER span, keyed by its own
// (traceId, spanId)) and the responder (a SERVER or CONSUMER span, keyed by its parent's or linked
// span's (traceId, spanId)) — usually arrive in different export requests, in either order. The
// first to arrive waits here; the second completes the pair.
//
// Bounded twice: an entry lives at most `ttlMs` from its creation (then it is expired: the halves
// that never met are handed to `onExpired`, which may still draw them as edges to virtual nodes),
// and the store holds at most `maxEntries` keys (when full, the oldest entry is evicted and handed
// to `onDropped`; the caller counts it). No timers: the owner calls expire() on its own schedule
// and passes the clock in, so tests control time.
//
// Two relations differ in how many responders an initiator has:
//   - `once` (request): a CLIENT span causes one SERVER span; the entry is removed when they pair.
//   - `fan-out` (messaging): one message may be consumed by many consumers (consumer groups,
//     fan-out exchanges), so the producer half stays until its TTL, pairing with every consumer.
// A responder may wait under several keys (a consumer's parent and each of its links); it counts as
// unpaired only when it met no initiator under any of them.

export type Pairing = 'once' | 'fan-out';

/** A half waiting in the store. `pairings` and `waitingKeys` are shared across its keys. */
export interface PendingHalf<T> {
  readonly value: T;
  /** How many partners it has met so far. */
  pairings: number;
  /** Keys it still waits under; when the last one goes and `pairings` is 0, it is unpaired. */
  waitingKeys: number;
  /** Already handed to onExpired/onDropped (a half is reported at most once). */
  reported?: boolean;
}

interface Entry<I, R> {
  readonly key: string;
  readonly expiresAtMs: number;
  pairing: Pairing;
  initiator?: PendingHalf<I>;
  responders: PendingHalf<R>[];
}

export interface EdgePairerCallbacks<I, R> {
  /** An initiator met a responder; `index` counts the initiator's earlier pairings (fan-out). */
  onPaired(initiator: I, responder: R, index: number): void;
  /** A half whose every key expired before it met a partner. */
  onExpired(half: { initiator: I } | { responder: R }): void;
  /** A half evicted because the store was full; handled like an expiry, but counted apart. */
  onDropped(half: { initiator: I } | { responder: R }): void;
}

export interface EdgePairerOptions {
  ttlMs: number;
  maxEntries: number;
  now(): number;
}

export interface EdgePairerStats {
  paired: number;
  expired: number;
  dropped: number;
  /** An initiator seen twice under the same key (an exporter retry); the copy is ignored. */
  duplicates: number;
}

/** Responders waiting for one initiator; more than this are counted as dropped. */
const MAX_RESPONDERS_PER_KEY = 64;

export class EdgePairer<I, R> {
  // A Map iterates in insertion order and every entry gets the same TTL, so the oldest entry is
  // always first: expiry and eviction both pop from the front.
  private readonly entries = new Map<string, Entry<I, R>>();
  readonly stats: EdgePairerStats = { paired: 0, expired: 0, dropped: 0, duplicates: 0 };

  constructor(
    private readonly options: EdgePairerOptions,
    private readonly callbacks: EdgePairerCallbacks<I, R>,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds a CLIENT or PRODUCER half, keyed by its own (traceId, spanId). */
  addInitiator(key: string, value: I, pairing: Pairing): void {
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.initiator) {
        this.stats.duplicates++;
        return;
      }
      entry.initiator = { value, pairings: 0, waitingKeys: 1 };
      entry.pairing = pairing;
      const waiting = entry.responders;
      entry.responders = [];
      for (const responder of waiting) this.pair(entry, responder);
      if (pairing === 'once' && entry.initiator.pairings > 0) this.remove(entry);
      return;
    }
    const created = this.create(key, pairing);
    if (created) {
      created.initiator = { value, pairings: 0, waitingKeys: 1 };
      return;
    }
    this.stats.dropped++;
    this.callbacks.onDropped({ initiator: value });
  }

  /**
   * Adds a SERVER or CONSUMER half under every key it may pair on: its parent's (traceId, spanId)
   * and, for consumers, each linked span's.
   */
  addResponder(keys: readonly string[], value: R): void {
    const half: PendingHalf<R> = { value, pairings: 0, waitingKeys: 0 };
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry?.initiator) {
        this.pair(entry, half);
        if (entry.pairing === 'once') this.remove(entry);
        continue;
      }
      const target = entry ?? this.create(key, 'once');
      if (!target || target.responders.length >= MAX_RESPONDERS_PER_KEY) continue;
      target.responders.push(half);
      half.waitingKeys++;
    }
    if (half.pairings === 0 && half.waitingKeys === 0 && !half.reported) {
      half.reported = true;
      this.stats.dropped++;
      this.callbacks.onDropped({ responder: value });
    }
  }

  /** Expires every entry older than its TTL. Returns how many entries went. */
  expire(): number {
    const now = this.options.now();
    let count = 0;
    for (const entry of this.entries.values()) {
      if (entry.expiresAtMs > now) break;
      this.settle(entry, 'expired');
      count++;
    }
    return count;
  }

  /** Expires everything now (shutdown, tests): unpaired halves still become what they can. */
  expireAll(): void {
    for (const entry of this.entries.values()) this.settle(entry, 'expired');
  }

  private create(key: string, pairing: Pairing): Entry<I, R> | undefined {
    if (this.options.maxEntries <= 0) return undefined;
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.values().next().value;
      if (oldest) this.settle(oldest, 'dropped');
    }
    const entry: Entry<I, R> = { key, expiresAtMs: this.options.now() + this.options.ttlMs, pairing, responders: [] };
    this.entries.set(key, entry);
    return entry;
  }

  private pair(entry: Entry<I, R>, responder: PendingHalf<R>): void {
    entry.initiator!.pairings++;
    responder.pairings++;
    this.stats.paired++;
    this.callbacks.onPaired(entry.initiator!.value, responder.value, entry.initiator!.pairings - 1);
  }

  /** Removes an entry whose initiator paired: its other waiting halves just leave. */
  private remove(entry: Entry<I, R>): void {
    this.entries.delete(entry.key);
    for (const responder of entry.responders) this.release(responder, 'expired');
  }

  private settle(entry: Entry<I, R>, reason: 'expired' | 'dropped'): void {
    this.entries.delete(entry.key);
    const initiator = entry.initiator;
    if (initiator && initiator.pairings === 0) {
      this.count(reason);
      this.report(reason, { initiator: initiator.value });
    }
    for (const responder of entry.responders) this.release(responder, reason);
  }

  /** One key of a responder is gone; when it was the last and it never paired, report it. */
  private release(responder: PendingHalf<R>, reason: 'expired' | 'dropped'): void {
    responder.waitingKeys--;
    if (responder.waitingKeys > 0 || responder.pairings > 0 || responder.reported) return;
    responder.reported = true;
    this.count(reason);
    this.report(reason, { responder: responder.value });
  }

  private count(reason: 'expired' | 'dropped'): void {
    if (reason === 'expired') this.stats.expired++;
    else this.stats.dropped++;
  }

  private report(reason: 'expired' | 'dropped', half: { initiator: I } | { responder: R }): void {
    if (reason === 'expired') this.callbacks.onExpired(half);
    else this.callbacks.onDropped(half);
  }
}

/** The store key of a span: its trace id and span id. */
export function pairingKey(traceId: string, spanId: string): string {
  return traceId + spanId;
}
