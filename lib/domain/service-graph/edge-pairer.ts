// The pairing store of the service graph, after Tempo's servicegraph processor and the
// OpenTelemetry Collector's servicegraph connector (processor/servicegraphprocessor/internal/store):
// the two halves of an edge — the initiator (a CLIENT or PRODUCER span, keyed by its own
// (traceId, spanId)) and the responder (a SERVER or CONSUMER span, keyed by its parent's or linked
// span's (traceId, spanId)) — usually arrive in different export requests, in either order. The
// first to arrive waits here; the second completes the pair.
//
// Bounded twice: an entry lives at most its wait from its creation (then it is expired: the halves
// that never met are handed to `onExpired`, which may still draw them as edges to virtual nodes),
// and the store holds at most `maxEntries` keys (when full, the oldest entry is evicted and handed
// to `onDropped`; the caller counts it). No timers: the owner calls expire() on its own schedule
// and passes the clock in, so tests control time.
//
// Two waits: a request's halves are exported within seconds of each other (`ttlMs`), but a message
// may sit in a queue for minutes before its consumer starts (`fanOutTtlMs`), and the time it waited
// is exactly what lag from traces measures, so a short wait would cap it. Request ('once') and
// messaging ('fan-out') entries are kept apart, each in its own insertion-ordered map (one wait per
// map keeps expiry a pop from the front); the bound is shared, and when full the oldest messaging
// entry is evicted first, so a backlog of long-waiting messages never crowds out request pairing.
// A key is looked up only in its class's map: a SERVER span pairs with a CLIENT, a CONSUMER with a
// PRODUCER (the cross-kind pairs draw no edge anyway).
//
// Two relations differ in how many responders an initiator has:
//   - `once` (request): a CLIENT span causes one SERVER span; the entry is removed when they pair.
//   - `fan-out` (messaging): one message may be consumed by many consumers (consumer groups,
//     fan-out exchanges), so the producer half stays until its TTL, pairing with every consumer.
// A responder may wait under several keys (a consumer's parent and each of its links); it counts as
// unpaired only when it met no initiator under any of them.
//
// Keys are (traceId, spanId). Every span passes through here, so an entry is filed under its span
// id alone (random 64 bits: a flat string the decoder made, hashed once) and carries its trace id;
// the rare span id that two traces share is filed under trace id + span id instead.

/** A span, by its ids (a link, or the parent a SERVER or CONSUMER span names). */
export interface SpanRef {
  traceId: string;
  spanId: string;
}

export type Pairing = 'once' | 'fan-out';

/** A responder waiting in the store. `pairings` and `waitingKeys` are shared across its keys. */
interface PendingResponder<R> {
  readonly value: R;
  /** How many partners it has met so far. */
  pairings: number;
  /** Keys it still waits under; when the last one goes and `pairings` is 0, it is unpaired. */
  waitingKeys: number;
  /** Already handed to onExpired/onDropped (a half is reported at most once). */
  reported: boolean;
}

interface Entry<I, R> {
  /** The span id, or trace id + span id for a span id another trace already holds. */
  readonly key: string;
  readonly traceId: string;
  readonly composite: boolean;
  readonly expiresAtMs: number;
  /** Also says which map holds it. */
  readonly pairing: Pairing;
  /** Set once its initiator arrived (`initiator` itself may be any value). */
  hasInitiator: boolean;
  initiator: I | undefined;
  initiatorPairings: number;
  /**
   * The first responder with a single key waits here as is (a SERVER span waiting for its client,
   * the common case, costs no more objects); others wait in `responders`.
   */
  hasSole: boolean;
  sole: R | undefined;
  /** More responders waiting for the initiator; null until one waits (most entries never need it). */
  responders: PendingResponder<R>[] | null;
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
  /** How long a request ('once') entry waits. */
  ttlMs: number;
  /** How long a messaging ('fan-out') entry waits; `ttlMs` when unset. */
  fanOutTtlMs?: number;
  maxEntries: number;
  now(): number;
}

export interface EdgePairerStats {
  paired: number;
  expired: number;
  dropped: number;
  /** An initiator seen twice under the same key (an exporter retry); the copy is ignored. */
  duplicates: number;
  /**
   * Messaging entries evicted before their wait ran out because the store was full (paired
   * producers still waiting for more consumers included): the messaging wait is shorter in effect.
   */
  fanOutEvicted: number;
}

/** Responders waiting for one initiator; more than this are counted as dropped. */
const MAX_RESPONDERS_PER_KEY = 64;

export class EdgePairer<I, R> {
  // A Map iterates in insertion order and every entry of one map gets the same TTL, so the oldest
  // entry is always first: expiry and eviction both pop from the front.
  private readonly entries = new Map<string, Entry<I, R>>();
  /** Messaging ('fan-out') entries, with their own (longer) wait. */
  private readonly fanOut = new Map<string, Entry<I, R>>();
  /** Entries filed under trace id + span id (their span id was taken). */
  private composites = 0;
  /** Whether the last find() met an entry under the plain span id (saves create() a lookup). */
  private spanIdHeld = false;
  readonly stats: EdgePairerStats = { paired: 0, expired: 0, dropped: 0, duplicates: 0, fanOutEvicted: 0 };

  constructor(
    private readonly options: EdgePairerOptions,
    private readonly callbacks: EdgePairerCallbacks<I, R>,
  ) {}

  get size(): number {
    return this.entries.size + this.fanOut.size;
  }

  /** Messaging entries waiting (part of `size`). */
  get fanOutSize(): number {
    return this.fanOut.size;
  }

  private mapOf(pairing: Pairing): Map<string, Entry<I, R>> {
    return pairing === 'once' ? this.entries : this.fanOut;
  }

  /**
   * Adds a CLIENT or PRODUCER half, keyed by its own (traceId, spanId). `beforeWaiting` runs on the
   * half just before it is kept without a partner (stored to wait, or reported dropped), so what
   * only an unpaired half needs (the peer a client would be drawn to) is worked out only then, and
   * in one lookup rather than a second one to ask whether a partner waits.
   */
  addInitiator(traceId: string, spanId: string, value: I, pairing: Pairing, beforeWaiting?: (value: I) => void): void {
    const entry = this.find(traceId, spanId, pairing);
    if (entry) {
      if (entry.hasInitiator) {
        this.stats.duplicates++;
        return;
      }
      entry.hasInitiator = true;
      entry.initiator = value;
      if (entry.hasSole) {
        const sole = entry.sole as R;
        entry.hasSole = false;
        entry.sole = undefined;
        this.pair(entry, sole);
      }
      const waiting = entry.responders;
      entry.responders = null;
      if (waiting) for (const responder of waiting) this.pairWaiting(entry, responder);
      if (entry.initiatorPairings === 0) beforeWaiting?.(value);
      else if (pairing === 'once') this.remove(entry);
      return;
    }
    beforeWaiting?.(value);
    const created = this.create(traceId, spanId, pairing);
    if (created) {
      created.hasInitiator = true;
      created.initiator = value;
      return;
    }
    this.stats.dropped++;
    this.callbacks.onDropped({ initiator: value });
  }

  /**
   * Adds a SERVER half (or a CONSUMER with one key, `pairing` 'fan-out'), keyed by its parent's
   * (traceId, spanId).
   */
  addResponder(traceId: string, spanId: string, value: R, pairing: Pairing = 'once'): void {
    const entry = this.find(traceId, spanId, pairing);
    if (entry === undefined || (!entry.hasInitiator && !entry.hasSole && entry.responders === null)) {
      const target = entry ?? this.create(traceId, spanId, pairing);
      if (!target) {
        this.dropResponder(value);
        return;
      }
      target.hasSole = true;
      target.sole = value;
      return;
    }
    if (this.addResponderKey(traceId, spanId, value, null, pairing) === 'dropped') this.dropResponder(value);
  }

  /**
   * Adds a CONSUMER half under every span it may pair with: its parent and each linked span. A
   * responder whose initiator is already here pairs at once and is never stored.
   */
  addResponderToAny(refs: readonly SpanRef[], value: R, pairing: Pairing = 'once'): void {
    let waiting: PendingResponder<R> | null = null;
    let pairings = 0;
    for (const ref of refs) {
      const result = this.addResponderKey(ref.traceId, ref.spanId, value, waiting, pairing);
      if (result === 'paired') {
        pairings++;
        if (waiting) waiting.pairings++;
      } else if (result !== 'dropped' && waiting === null) {
        waiting = result;
        waiting.pairings = pairings;
      }
    }
    if (pairings === 0 && waiting === null) this.dropResponder(value);
  }

  /** Pairs under a key, or waits there (one shared record across keys); 'dropped' when it cannot. */
  private addResponderKey(
    traceId: string,
    spanId: string,
    value: R,
    waiting: PendingResponder<R> | null,
    pairing: Pairing,
  ): 'paired' | 'dropped' | PendingResponder<R> {
    const entry = this.find(traceId, spanId, pairing);
    if (entry?.hasInitiator) {
      this.pair(entry, value);
      if (entry.pairing === 'once') this.remove(entry);
      return 'paired';
    }
    const target = entry ?? this.create(traceId, spanId, pairing);
    if (!target || (target.responders?.length ?? 0) >= MAX_RESPONDERS_PER_KEY) return 'dropped';
    const half = waiting ?? { value, pairings: 0, waitingKeys: 0, reported: false };
    half.waitingKeys++;
    (target.responders ??= []).push(half);
    return half;
  }

  private dropResponder(value: R): void {
    this.stats.dropped++;
    this.callbacks.onDropped({ responder: value });
  }

  /** Expires every entry older than its TTL. Returns how many entries went. */
  expire(): number {
    const now = this.options.now();
    let count = 0;
    for (const map of [this.entries, this.fanOut]) {
      for (const entry of map.values()) {
        if (entry.expiresAtMs > now) break;
        this.settle(entry, 'expired');
        count++;
      }
    }
    return count;
  }

  /** Expires everything now (shutdown, tests): unpaired halves still become what they can. */
  expireAll(): void {
    for (const entry of this.entries.values()) this.settle(entry, 'expired');
    for (const entry of this.fanOut.values()) this.settle(entry, 'expired');
  }

  private find(traceId: string, spanId: string, pairing: Pairing): Entry<I, R> | undefined {
    const map = this.mapOf(pairing);
    const entry = map.get(spanId);
    this.spanIdHeld = entry !== undefined;
    if (entry !== undefined && entry.traceId === traceId) return entry;
    return this.composites > 0 ? map.get(traceId + spanId) : undefined;
  }

  private create(traceId: string, spanId: string, pairing: Pairing): Entry<I, R> | undefined {
    if (this.options.maxEntries <= 0) return undefined;
    if (this.size >= this.options.maxEntries) {
      // Messaging entries go first: they wait longest, and request pairing must not starve.
      const oldestFanOut = this.fanOut.values().next().value;
      if (oldestFanOut) {
        this.stats.fanOutEvicted++;
        this.settle(oldestFanOut, 'dropped');
      } else {
        const oldest = this.entries.values().next().value;
        if (oldest) this.settle(oldest, 'dropped');
      }
    }
    // create() always follows a find() of the same key, which saw whether the span id is held
    // (an eviction just above can only free it: filing under the composite key then is harmless).
    const shared = this.spanIdHeld;
    if (shared) this.composites++;
    const entry: Entry<I, R> = {
      key: shared ? traceId + spanId : spanId,
      traceId,
      composite: shared,
      expiresAtMs: this.options.now() + (pairing === 'once' ? this.options.ttlMs : (this.options.fanOutTtlMs ?? this.options.ttlMs)),
      pairing,
      hasInitiator: false,
      initiator: undefined,
      initiatorPairings: 0,
      hasSole: false,
      sole: undefined,
      responders: null,
    };
    this.mapOf(pairing).set(entry.key, entry);
    return entry;
  }

  private pair(entry: Entry<I, R>, responder: R): void {
    const index = entry.initiatorPairings++;
    this.stats.paired++;
    this.callbacks.onPaired(entry.initiator as I, responder, index);
  }

  private pairWaiting(entry: Entry<I, R>, responder: PendingResponder<R>): void {
    responder.pairings++;
    this.pair(entry, responder.value);
  }

  /** Removes an entry whose initiator paired: its other waiting halves just leave. */
  private remove(entry: Entry<I, R>): void {
    this.delete(entry);
    if (entry.hasSole) this.release({ value: entry.sole as R, pairings: 0, waitingKeys: 1, reported: false }, 'expired');
    if (entry.responders) for (const responder of entry.responders) this.release(responder, 'expired');
  }

  private delete(entry: Entry<I, R>): void {
    this.mapOf(entry.pairing).delete(entry.key);
    if (entry.composite) this.composites--;
  }

  private settle(entry: Entry<I, R>, reason: 'expired' | 'dropped'): void {
    this.delete(entry);
    if (entry.hasInitiator && entry.initiatorPairings === 0) {
      this.count(reason);
      this.report(reason, { initiator: entry.initiator as I });
    }
    if (entry.hasSole) {
      this.count(reason);
      this.report(reason, { responder: entry.sole as R });
    }
    if (entry.responders) for (const responder of entry.responders) this.release(responder, reason);
  }

  /** One key of a responder is gone; when it was the last and it never paired, report it. */
  private release(responder: PendingResponder<R>, reason: 'expired' | 'dropped'): void {
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
