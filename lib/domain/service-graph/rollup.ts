// Per-minute aggregation of observations: calls, errors and a latency histogram per (dimensions,
// minute), with two exemplar traces (the slowest call, the latest failing one) so the UI can jump
// from a number to a trace. The collector adds observations as they are derived and drains the
// rows every few seconds into an upsert that adds them to what is stored (stored rows are sums,
// so a minute may be written several times). The same merge rules serve the query side.
import { addToHistogram, emptyHistogram, mergeHistogram, type Histogram } from './latency-histogram';
import { nodeId, type EdgeObservation, type OperationObservation } from './types';

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

/**
 * Rows keyed by (dimensions, minute), bounded: past `maxRows` distinct keys new keys are dropped
 * and counted (a flood of distinct operation names, a client clock spraying minutes), existing
 * keys keep counting.
 */
export class MinuteRollup<D> {
  private rows = new Map<string, RollupRow<D>>();
  dropped = 0;

  constructor(
    private readonly keyOf: (dims: D) => string,
    private readonly maxRows: number,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  add(dims: D, timeMs: number, latencyUs: number | undefined, error: boolean, traceId: string): void {
    const row = this.rowFor(dims, minuteOf(timeMs));
    if (row) addCall(row, latencyUs, error, traceId);
    else this.dropped++;
  }

  /** Hands over every row and starts empty. */
  drain(): RollupRow<D>[] {
    const rows = [...this.rows.values()];
    this.rows = new Map();
    return rows;
  }

  /** Puts drained rows back (a flush failed), merging with what arrived since. */
  restore(rows: readonly RollupRow<D>[]): void {
    for (const older of rows) {
      const key = this.rowKey(older.dims, older.minuteMs);
      const newer = this.rows.get(key);
      // The older row goes first so the newer row's exemplars win the merge.
      if (newer) this.rows.set(key, mergeCounters(older, newer) as RollupRow<D>);
      else if (this.rows.size < this.maxRows) this.rows.set(key, older);
      else this.dropped += older.calls;
    }
  }

  private rowKey(dims: D, minuteMs: number): string {
    return `${minuteMs}\u0000${this.keyOf(dims)}`;
  }

  private rowFor(dims: D, minuteMs: number): RollupRow<D> | undefined {
    const key = this.rowKey(dims, minuteMs);
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= this.maxRows) return undefined;
      row = { dims, minuteMs, ...emptyCounters() };
      this.rows.set(key, row);
    }
    return row;
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

/** Edges, services and operations rolled up per minute; what the collector flushes. */
export class ServiceGraphRollups {
  readonly edges: MinuteRollup<EdgeDims>;
  readonly services: MinuteRollup<ServiceDims>;
  readonly operations: MinuteRollup<OperationDims>;

  constructor(maxRowsEach: number) {
    this.edges = new MinuteRollup(edgeKey, maxRowsEach);
    this.services = new MinuteRollup(serviceKey, maxRowsEach);
    this.operations = new MinuteRollup(operationKey, maxRowsEach);
  }

  addEdge(o: EdgeObservation): void {
    this.edges.add(
      { environment: o.environment, source: o.source, target: o.target, connectionType: o.connectionType },
      o.timeMs,
      o.latencyUs,
      o.error,
      o.traceId,
    );
  }

  addOperation(o: OperationObservation): void {
    this.services.add({ environment: o.environment, service: o.service }, o.timeMs, o.latencyUs, o.error, o.traceId);
    this.operations.add(
      { environment: o.environment, service: o.service, operation: o.operation, spanKind: o.spanKind },
      o.timeMs,
      o.latencyUs,
      o.error,
      o.traceId,
    );
  }

  get dropped(): number {
    return this.edges.dropped + this.services.dropped + this.operations.dropped;
  }

  get size(): number {
    return this.edges.size + this.services.size + this.operations.size;
  }
}

