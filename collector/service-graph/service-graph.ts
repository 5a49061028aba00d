// The collector's service graph, after the OpenTelemetry Collector's servicegraph connector: an
// observer of the trace signal, fed every accepted batch after its spans are queued, it derives edges at
// ingest (lib/domain/service-graph), rolls them up per minute, upserts the rollups every
// `flushIntervalMs`, and pushes a delta to live clients every `liveIntervalMs`. It never fails or
// slows an export: work per span is a kind check for most spans and a few map updates for the rest,
// and a failed flush keeps its rows for the next one (bounded).
import type { ServiceGraphConfig } from '../../lib/contracts/collector-config';
import type { TraceBatch } from '../../lib/domain/model';
import { EdgeDeriver } from '../../lib/domain/service-graph/edge-deriver';
import { pairedEdges, unpairedEdges } from '../../lib/domain/service-graph/span-edges';
import type { EdgeObservation } from '../../lib/domain/service-graph/types';
import { ServiceGraphRollups, servicesOf } from '../../lib/domain/service-graph/rollup';
import type { LiveHub } from '../live/live-hub';
import type { Logger } from '../pipeline/batch-writer';
import type { BatchObserver } from '../pipeline/signal';
import { isDataRejected, type SqlExecutor } from '../store/sql-executor';
import { LiveDeltaAccumulator } from './live-delta';
import { RollupStore, type DrainedRollups } from './rollup-store';
import { SharedEdgePairing } from './shared-pairing';

/** Edge and operation rows written together (services are summed from the operations). */
type RollupChunk = Pick<DrainedRollups, 'edges' | 'operations'>;

function splitChunk(chunk: RollupChunk): [RollupChunk, RollupChunk] {
  const rows = [...chunk.edges.map((row) => ({ edge: row })), ...chunk.operations.map((row) => ({ operation: row }))];
  const half = Math.ceil(rows.length / 2);
  const make = (part: typeof rows): RollupChunk => ({
    edges: part.flatMap((r) => ('edge' in r ? [r.edge] : [])),
    operations: part.flatMap((r) => ('operation' in r ? [r.operation] : [])),
  });
  return [make(rows.slice(0, half)), make(rows.slice(half))];
}

export class ServiceGraph implements BatchObserver<TraceBatch> {
  private readonly deriver: EdgeDeriver;
  private readonly rollups: ServiceGraphRollups;
  private readonly store: RollupStore;
  private readonly live = new LiveDeltaAccumulator();
  /** Set with `sharedPairing`: request halves expired here pair across replicas through PostgreSQL. */
  private readonly shared: SharedEdgePairing | undefined;
  private readonly emitEdge: (o: EdgeObservation) => void;
  private readonly timers: NodeJS.Timeout[] = [];
  private flushing: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  /** Counters for /metrics. */
  readonly counters = { batches: 0, observeFailures: 0, flushes: 0, flushFailures: 0, rowsWritten: 0, rowsDropped: 0 };

  constructor(
    db: SqlExecutor,
    private readonly config: ServiceGraphConfig,
    private readonly log: Logger,
    private readonly hub: LiveHub | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.store = new RollupStore(db);
    this.rollups = new ServiceGraphRollups(config.maxRollupRows);
    const listening = () => this.hub !== undefined && this.hub.clients > 0;
    this.emitEdge = (o) => {
      this.rollups.addEdge(o);
      if (listening()) this.live.addEdge(o);
    };
    const shared = config.sharedPairing ? new SharedEdgePairing(db, { ttlMs: config.waitMs, maxHeld: config.maxPending }) : undefined;
    this.shared = shared;
    this.deriver = new EdgeDeriver(
      { ttlMs: config.waitMs, messagingTtlMs: config.messagingWaitMs, maxPending: config.maxPending, now, handOff: shared ? (half) => shared.hold(half) : undefined },
      {
        edge: this.emitEdge,
        operation: (o) => {
          this.rollups.addOperation(o);
          if (listening()) this.live.addOperation(o);
        },
      },
    );
  }

  start(): void {
    this.timers.push(setInterval(() => void this.flush().catch(() => {}), this.config.flushIntervalMs).unref());
    this.timers.push(setInterval(() => this.tick(), this.config.liveIntervalMs).unref());
  }

  observe(batch: TraceBatch): void {
    if (this.stopped) return;
    try {
      this.deriver.observeBatch(batch);
      this.counters.batches++;
    } catch (error) {
      // A bug here must never cost an accepted span; count it and carry on.
      this.counters.observeFailures++;
      if (this.counters.observeFailures === 1) this.log.error('service graph could not observe a batch', { error: String(error) });
    }
  }

  /** Expires halves past their wait and pushes the interval's delta to live clients. */
  tick(): void {
    this.deriver.expire();
    if (!this.hub || this.hub.clients === 0) {
      this.live.clear();
      return;
    }
    if (!this.live.empty) this.hub.broadcast(this.live.drain(this.now()));
  }

  /**
   * Upserts what was rolled up since the last flush. `expirePending` first settles every half
   * still waiting for its partner (shutdown, tests), so nothing observed is left out. With shared
   * pairing, the halves expired here go to PostgreSQL first (pairs completed here are drawn now)
   * and the shared halves past their TTL are swept; `sweepAllShared` sweeps every shared half
   * (only once every replica has handed its halves over: tests, the last replica shutting down).
   */
  flush(options: { expirePending?: boolean; sweepAllShared?: boolean } = {}): Promise<void> {
    const run = async () => {
      if (options.expirePending) this.deriver.expireAll();
      if (this.shared) await this.exchangeShared(options.sweepAllShared === true);
      const drained = this.rollups.drain();
      const rows = drained.edges.length + drained.services.length + drained.operations.length;
      if (rows === 0) return;
      try {
        await this.writeIsolatingBadRows({ edges: drained.edges, operations: drained.operations }, drained.services);
        if (this.failing) this.log.info('service graph flushes again');
        this.failing = false;
        this.counters.flushes++;
      } catch (error) {
        this.counters.flushFailures++;
        // Once per outage, not every few seconds while the database is down.
        if (!this.failing) this.log.warn('service graph flush failed; will retry', { rows, error: String(error) });
        this.failing = true;
        throw error;
      }
    };
    // One flush at a time; a caller arriving during one waits for it and then runs its own.
    const next = (this.flushing ?? Promise.resolve()).catch(() => {}).then(run);
    this.flushing = next;
    return next;
  }

  private async exchangeShared(sweepAll: boolean): Promise<void> {
    const shared = this.shared!;
    try {
      for (const { initiator, responder } of await shared.exchange()) pairedEdges(initiator, responder, 0, this.emitEdge);
      for (const half of await shared.sweep({ all: sweepAll })) unpairedEdges(half, this.emitEdge);
    } catch (error) {
      // The halves stay held and the rows stay in PostgreSQL; the rollups below still go out.
      this.counters.flushFailures++;
      if (!this.failing) this.log.warn('service graph shared pairing failed; will retry', { error: String(error) });
    }
  }

  /**
   * Writes the drained rows; when the database refuses them as invalid, bisects until the bad rows
   * are alone and drops those (logged, counted), so one bad row cannot stop the flush forever.
   * When the database is unavailable, every chunk not yet written is put back for the next flush
   * (chunks already written stay written: upserts add, so they must not be written twice).
   * Services are summed from each chunk's operations, so a chunk's rows always agree.
   */
  private async writeIsolatingBadRows(first: RollupChunk, firstServices: DrainedRollups['services']): Promise<void> {
    const chunks: RollupChunk[] = [first];
    let services: DrainedRollups['services'] | undefined = firstServices;
    while (chunks.length > 0) {
      const chunk = chunks.shift()!;
      const size = chunk.edges.length + chunk.operations.length;
      try {
        await this.store.write({ ...chunk, services: services ?? servicesOf(chunk.operations) });
        this.counters.rowsWritten += size;
      } catch (error) {
        if (!isDataRejected(error)) {
          for (const unwritten of [chunk, ...chunks]) this.rollups.restore(unwritten);
          throw error;
        }
        if (size <= 1) {
          this.counters.rowsDropped += size;
          this.log.warn('database refused a service graph rollup row; dropped it', { error: String(error), row: JSON.stringify(chunk).slice(0, 500) });
        } else {
          chunks.unshift(...splitChunk(chunk));
        }
      }
      services = undefined;
    }
  }

  async applyRetention(cutoffMs: number): Promise<number> {
    return this.store.applyRetention(cutoffMs);
  }

  /** Stops the timers and writes everything observed, the halves still waiting included. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopped = true;
    try {
      await this.flush({ expirePending: true });
    } catch {
      this.log.warn('service graph rollups could not be written at shutdown; the last seconds are missing from the graph');
    }
  }

  metricsText(): string {
    const stats = this.deriver.stats;
    const lines: Array<[string, string, string, number]> = [
      ['meshlight_service_graph_pairs_total', 'counter', 'Edge halves paired (client+server, producer+consumer).', stats.paired],
      ['meshlight_service_graph_expired_total', 'counter', 'Edge halves that waited out their TTL unpaired.', stats.expired],
      ['meshlight_service_graph_dropped_total', 'counter', 'Edge halves evicted because the pairing store was full.', stats.dropped],
      ['meshlight_service_graph_pending', 'gauge', 'Keys waiting in the pairing store.', this.deriver.pending],
      ['meshlight_service_graph_messaging_pending', 'gauge', 'Messaging keys (producers and consumers) waiting in the pairing store (part of pending).', this.deriver.messagingPending],
      [
        'meshlight_service_graph_messaging_evicted_total',
        'counter',
        'Messaging keys evicted before their wait ran out because the pairing store was full (evicted first, before request halves).',
        stats.fanOutEvicted,
      ],
      ['meshlight_service_graph_rollup_rows_dropped_total', 'counter', 'Observations lost because the rollups were full.', this.rollups.dropped],
      ['meshlight_service_graph_flush_failures_total', 'counter', 'Rollup flushes that failed (retried).', this.counters.flushFailures],
      ['meshlight_service_graph_rows_written_total', 'counter', 'Rollup rows upserted.', this.counters.rowsWritten],
      ['meshlight_service_graph_rows_dropped_invalid_total', 'counter', 'Rollup rows the database refused (logged).', this.counters.rowsDropped],
      ['meshlight_service_graph_observe_failures_total', 'counter', 'Batches the service graph failed to observe.', this.counters.observeFailures],
      ['meshlight_service_graph_shared_handed_over_total', 'counter', 'Request halves handed to the shared (PostgreSQL) pairing store.', this.shared?.stats.handedOver ?? 0],
      ['meshlight_service_graph_shared_paired_total', 'counter', 'Request pairs completed here through the shared pairing store.', this.shared?.stats.pairedHere ?? 0],
      ['meshlight_live_clients', 'gauge', 'Browsers connected to /live.', this.hub?.clients ?? 0],
      ['meshlight_live_messages_skipped_total', 'counter', 'Live messages not sent to a client that was behind.', this.hub?.skipped ?? 0],
    ];
    return lines.map(([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`).join('');
  }
}
