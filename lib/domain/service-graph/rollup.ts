// Per-minute aggregation of observations: calls, errors and a latency histogram per (dimensions,
// minute), with two exemplar traces (the slowest call, the latest failing one) so the UI can jump
// from a number to a trace. The collector adds observations as they are derived and drains the
// rows every few seconds into an upsert that adds them to what is stored (stored rows are sums,
// so a minute may be written several times). The same merge rules serve the query side.
import { addToHistogram, emptyHistogram, mergeHistogram, type Histogram } from './latency-histogram';
import { nodeId, type ConnectionType, type EdgeObservation, type NodeRef, type OperationObservation } from './types';

export const MINUTE_MS = 60_000;

export function minuteOf(timeMs: number): number {
  return Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
}

/** Counters every rollup row carries, whatever its dimensions. */
export interface RedCounters {
  calls: number;
  errors: number;
  /** Observations in the histogram (calls without a latency, like unpaired consumers, are not). */
  latencyCount: number;
  latencySumUs: number;
  latencyMaxUs: number;
  histogram: Histogram;
  /** The slowest call's trace ('' when none) — an exemplar for "show me a slow one". */
  slowTraceId: string;
  /** The latest failing call's trace ('' when none). */
  errorTraceId: string;
}

export interface RollupRow<D> extends RedCounters {
  dims: D;
  minuteMs: number;
}

export function emptyCounters(): RedCounters {
  return { calls: 0, errors: 0, latencyCount: 0, latencySumUs: 0, latencyMaxUs: 0, histogram: emptyHistogram(), slowTraceId: '', errorTraceId: '' };
}

export function addCall(counters: RedCounters, latencyUs: number | undefined, error: boolean, traceId: string): void {
  counters.calls++;
  if (error) {
    counters.errors++;
    counters.errorTraceId = traceId;
  }
  if (latencyUs === undefined) return;
  counters.latencyCount++;
  counters.latencySumUs += latencyUs;
  if (latencyUs > counters.latencyMaxUs || counters.slowTraceId === '') {
    counters.latencyMaxUs = Math.max(counters.latencyMaxUs, latencyUs);
    counters.slowTraceId = traceId;
  }
  addToHistogram(counters.histogram, latencyUs);
}

/** Adds `from` into `into` (the later row's failing exemplar wins, the slower row's slow one). */
export function mergeCounters(into: RedCounters, from: RedCounters): RedCounters {
  into.calls += from.calls;
  into.errors += from.errors;
  into.latencyCount += from.latencyCount;
  into.latencySumUs += from.latencySumUs;
  if (from.slowTraceId !== '' && (from.latencyMaxUs > into.latencyMaxUs || into.slowTraceId === '')) {
    into.slowTraceId = from.slowTraceId;
  }
  into.latencyMaxUs = Math.max(into.latencyMaxUs, from.latencyMaxUs);
  if (from.errorTraceId !== '') into.errorTraceId = from.errorTraceId;
  mergeHistogram(into.histogram, from.histogram);
  return into;
}

/** Dimensions with their key, made once per distinct dimensions (see KeyTrie). */
export interface RollupKey<D> {
  id: string;
  dims: D;
}

/**
 * Rows keyed by (dimensions, minute), bounded: past `maxRows` distinct keys new keys are dropped
 * and counted (a flood of distinct operation names, a client clock spraying minutes), existing
 * keys keep counting. Rows live in one map per minute, keyed by the dimensions' id string; the hot
 * path passes interned keys (the same string object every time), so a lookup hashes nothing new.
 */
export class MinuteRollup<D> {
  private rows = new Map<number, Map<string, RollupRow<D>>>();
  private count = 0;
  dropped = 0;

  constructor(
    private readonly keyOf: (dims: D) => string,
    private readonly maxRows: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Convenience for callers without an interned key. */
  add(dims: D, timeMs: number, latencyUs: number | undefined, error: boolean, traceId: string): void {
    this.addKeyed({ id: this.keyOf(dims), dims }, timeMs, latencyUs, error, traceId);
  }

  addKeyed(key: RollupKey<D>, timeMs: number, latencyUs: number | undefined, error: boolean, traceId: string): void {
    const minuteMs = minuteOf(timeMs);
    // Spans come grouped by service, so the same row is often hit several times in a row.
    let row = key === this.lastKey && minuteMs === this.lastMinuteMs ? this.lastRow : undefined;
    if (!row) {
      row = this.rowFor(key.id, key.dims, minuteMs);
      if (!row) {
        this.dropped++;
        return;
      }
      this.lastKey = key;
      this.lastMinuteMs = minuteMs;
      this.lastRow = row;
    }
    addCall(row, latencyUs, error, traceId);
  }

  private lastKey: RollupKey<D> | undefined;
  private lastMinuteMs = 0;
  private lastRow: RollupRow<D> | undefined;

  private forgetLast(): void {
    this.lastKey = undefined;
    this.lastRow = undefined;
  }

  /** Hands over every row and starts empty. */
  drain(): RollupRow<D>[] {
    const rows: RollupRow<D>[] = [];
    for (const minute of this.rows.values()) for (const row of minute.values()) rows.push(row);
    this.rows = new Map();
    this.count = 0;
    this.forgetLast();
    return rows;
  }

  /** Puts drained rows back (a flush failed), merging with what arrived since. */
  restore(rows: readonly RollupRow<D>[]): void {
    this.forgetLast();
    for (const older of rows) {
      const id = this.keyOf(older.dims);
      const minute = this.rows.get(older.minuteMs);
      const newer = minute?.get(id);
      // The older row goes first so the newer row's exemplars win the merge.
      if (newer) minute!.set(id, mergeCounters(older, newer) as RollupRow<D>);
      else if (this.count < this.maxRows) this.insert(older.minuteMs, id, older);
      else this.dropped += older.calls;
    }
  }

  private rowFor(id: string, dims: D, minuteMs: number): RollupRow<D> | undefined {
    const row = this.rows.get(minuteMs)?.get(id);
    if (row) return row;
    if (this.count >= this.maxRows) return undefined;
    return this.insert(minuteMs, id, { dims, minuteMs, ...emptyCounters() });
  }

  private insert(minuteMs: number, id: string, row: RollupRow<D>): RollupRow<D> {
    let minute = this.rows.get(minuteMs);
    if (!minute) this.rows.set(minuteMs, (minute = new Map()));
    minute.set(id, row);
    this.count++;
    return row;
  }
}

/**
 * Interns rollup keys: the same path of parts (objects by identity, strings by value) always gives
 * the same RollupKey object, so its id string is built once. Reset when it grows past `maxKeys`
 * (only between flushes, when no row refers to a key).
 */
export class KeyTrie<D> {
  private root = new Map<unknown, unknown>();
  private count = 0;

  constructor(
    private readonly make: (parts: readonly unknown[]) => RollupKey<D>,
    private readonly maxKeys = 100_000,
  ) {}

  private last: { a: unknown; b: unknown; c: unknown; d: unknown; key: RollupKey<D> } | undefined;

  /** The key of two or four parts (the hot path's shapes; no arrays made when it exists). */
  get(a: unknown, b: unknown, c?: unknown, d?: unknown): RollupKey<D> {
    const last = this.last;
    if (last !== undefined && a === last.a && b === last.b && c === last.c && d === last.d) return last.key;
    const key = this.lookup(arguments.length === 4, a, b, c, d);
    if (last === undefined) this.last = { a, b, c, d, key };
    else {
      last.a = a;
      last.b = b;
      last.c = c;
      last.d = d;
      last.key = key;
    }
    return key;
  }

  private lookup(four: boolean, a: unknown, b: unknown, c: unknown, d: unknown): RollupKey<D> {
    let node = this.step(this.root, a);
    if (four) node = this.step(this.step(node, b), c);
    const last = four ? d : b;
    let key = node.get(last) as RollupKey<D> | undefined;
    if (!key) {
      node.set(last, (key = this.make(four ? [a, b, c, d] : [a, b])));
      this.count++;
    }
    return key;
  }

  private step(node: Map<unknown, unknown>, part: unknown): Map<unknown, unknown> {
    let next = node.get(part) as Map<unknown, unknown> | undefined;
    if (!next) node.set(part, (next = new Map()));
    return next;
  }

  resetIfLarge(): void {
    if (this.count <= this.maxKeys) return;
    this.root = new Map();
    this.count = 0;
    this.last = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The three rollups the service graph keeps

export interface EdgeDims {
  environment: string;
  source: EdgeObservation['source'];
  target: EdgeObservation['target'];
  connectionType: EdgeObservation['connectionType'];
}

export interface ServiceDims {
  environment: string;
  service: string;
}

export interface OperationDims extends ServiceDims {
  operation: string;
  spanKind: number;
}

export const edgeKey = (d: EdgeDims) => `${d.environment}\u0000${nodeId(d.source)}\u0000${nodeId(d.target)}\u0000${d.connectionType}`;
export const serviceKey = (d: ServiceDims) => `${d.environment}\u0000${d.service}`;
export const operationKey = (d: OperationDims) => `${d.environment}\u0000${d.service}\u0000${d.operation}\u0000${d.spanKind}`;

/**
 * Edges and operations rolled up per minute; what the collector flushes. A service's rows are the
 * sum of its operations' rows, made when drained rather than kept beside them on the hot path.
 */
export class ServiceGraphRollups {
  readonly edges: MinuteRollup<EdgeDims>;
  readonly operations: MinuteRollup<OperationDims>;
  private readonly edgeKeys = new KeyTrie<EdgeDims>((p) => {
    const dims = { environment: p[0] as string, source: p[1] as NodeRef, target: p[2] as NodeRef, connectionType: p[3] as ConnectionType };
    return { id: edgeKey(dims), dims };
  });
  private readonly operationKeys = new KeyTrie<OperationDims>((p) => {
    const dims = { environment: p[0] as string, service: p[1] as string, operation: p[2] as string, spanKind: p[3] as number };
    return { id: operationKey(dims), dims };
  });

  constructor(maxRowsEach: number) {
    this.edges = new MinuteRollup(edgeKey, maxRowsEach);
    this.operations = new MinuteRollup(operationKey, maxRowsEach);
  }

  addEdge(o: EdgeObservation): void {
    const key = this.edgeKeys.get(o.environment, o.source, o.target, o.connectionType);
    this.edges.addKeyed(key, o.timeMs, o.latencyUs, o.error, o.traceId);
  }

  addOperation(o: OperationObservation): void {
    const key = this.operationKeys.get(o.environment, o.service, o.operation, o.spanKind);
    this.operations.addKeyed(key, o.timeMs, o.latencyUs, o.error, o.traceId);
  }

  /** Every row (services summed from operations); the rollups start empty again. */
  drain(): { edges: RollupRow<EdgeDims>[]; services: RollupRow<ServiceDims>[]; operations: RollupRow<OperationDims>[] } {
    const edges = this.edges.drain();
    const operations = this.operations.drain();
    this.edgeKeys.resetIfLarge();
    this.operationKeys.resetIfLarge();
    return { edges, services: servicesOf(operations), operations };
  }

  /** Puts drained rows back (a flush failed); services are summed again at the next drain. */
  restore(rows: { edges: readonly RollupRow<EdgeDims>[]; operations: readonly RollupRow<OperationDims>[] }): void {
    this.edges.restore(rows.edges);
    this.operations.restore(rows.operations);
  }

  get dropped(): number {
    return this.edges.dropped + this.operations.dropped;
  }

  get size(): number {
    return this.edges.size + this.operations.size;
  }
}

/** Per (minute, environment, service): the sum of its operations' rows. */
export function servicesOf(operations: readonly RollupRow<OperationDims>[]): RollupRow<ServiceDims>[] {
  const services = new Map<string, RollupRow<ServiceDims>>();
  for (const row of operations) {
    const key = `${row.minuteMs}\u0000${row.dims.environment}\u0000${row.dims.service}`;
    let service = services.get(key);
    if (!service) {
      service = { dims: { environment: row.dims.environment, service: row.dims.service }, minuteMs: row.minuteMs, ...emptyCounters() };
      services.set(key, service);
    }
    mergeCounters(service, row);
  }
  return [...services.values()];
}
