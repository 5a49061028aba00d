// The metrics write side: MetricBatch in, series rows and chunk rows out.
//
// append() is synchronous and cheap: it finds (or admits) each series, applies the per-metric
// cardinality limit, and adds samples to the head (metric-head.ts). flush(), on a timer and at
// shutdown, writes new series first (so every chunk's series_id exists), then in one transaction
// the ids of the pipeline batches the flush holds (ingest_batches, exactly once), the head blocks
// this process wrote that closed chunks made redundant deleted, the closed chunks (one COPY) and
// the samples open chunks got since the last flush packed as one head block per group of 256
// series ids (one COPY of metric_head_blocks: ~400 rows for 100,000 series, not a row per
// series), so a flush costs what arrived, never what the open chunks hold. Readers merge chunks
// and blocks and drop repeated timestamps. Samples appended since the last flush are not yet
// visible to queries (the UI server reads only the database): at the default 10 s flush, the last
// ~10 s may be missing.
//
// Durability: a pipeline batch (write()) is acknowledged to the write-ahead log only once the flush
// holding it has committed, so a crash loses nothing the WAL had; its replay skips the batches whose
// ids that flush claimed.
import { hash as digest, randomBytes, randomUUID } from 'node:crypto';
import { labelPairHashSql } from '../../lib/db/metrics/series-lookup';
import { ColumnSeries } from '../../lib/domain/metrics/column-series';
import { encodeHeadBlock, headBlockGroup, type HeadBlockEntry } from '../../lib/domain/metrics/head-block';
import { scanSeriesBlock, type SeriesBlockEntry } from '../../lib/domain/metrics/series-block';
import type { Labels, MetricBatch, MetricMetadata, SeriesHandle } from '../../lib/domain/metrics/types';
import type { StoreReceipt } from '../pipeline/signal';
import { copyByteaFromHex } from './copy-text';
import { InMemoryMetricHead, type EncodedChunk, type HeadChanges, type MetricHead } from './metric-head';
import type { MetricPartitionManager } from './metric-partitions';
import { appendEntries, lockMetricBlocks, MAX_LOCKED_METRICS, metricGroups, writeBlocks } from './metric-series-blocks';
import type { SqlExecutor, SqlSession } from './sql-executor';

export interface MetricStoreOptions {
  /** New series of one metric past this many are refused (MESHLIGHT_METRICS_MAX_SERIES_PER_METRIC). */
  maxSeriesPerMetric: number;
  /** How often start()'s timer flushes. */
  flushIntervalMs: number;
  partitions?: MetricPartitionManager;
  head?: MetricHead;
  now?: () => number;
}

export interface AppendResult {
  appended: number;
  /** Samples not after their series' last timestamp. */
  outOfOrder: number;
  /** Series (and their samples) refused by the cardinality limit. */
  refusedSeries: number;
  refusedSamples: number;
}

/** A flush's head blocks: the COPY text of the new ones, and what expires. */
interface BlockWrite {
  rows: Array<{ group: number; endMs: number }>;
  text: string;
  expired: Array<{ group: number; beforeMs: number }>;
}

interface PendingBatch {
  id: string;
  committed: () => void;
}

interface SeriesEntry {
  ref: number;
  /** Database id once registered. */
  id: number | undefined;
  /** Its metric name's label-pair id (the metric_series_blocks it is in) once registered. */
  metricId: number | undefined;
  metric: string;
  labels: Labels;
  /** seriesHash(): finds the series among those stored when this process started (`stored`). */
  hash: string;
  /** Sample timestamps (not wall-clock): the series' first/last seen bound queries by them. */
  firstSeenMs: number;
  lastSeenMs: number;
  /** The last seen written to the series' block. */
  lastSeenWrittenMs: number;
}

// A series' last seen (metric_series_blocks) is refreshed at most this often; readers allow for it.
export const LAST_SEEN_RESOLUTION_MS = 60 * 60 * 1000;
const REGISTER_BATCH = 5000;

/** A canonical, collision-free key of a label set: sorted names and values, \xff-separated. */
export function seriesKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const name of names) key += `${name}\xfe${labels[name]}\xff`;
  return key;
}

/**
 * Like seriesKey() but in the labels' own order: equal for equal label sets sent the same way. The
 * remote_write decoder builds the same key (MetricBatch.seriesHandles), so its series skip this.
 */
export function arrivalKey(labels: Labels): string {
  let key = '';
  for (const name in labels) {
    const value = labels[name]!;
    key += `${name}\u0000${value.length}\u0000${value}`;
  }
  return key;
}

export class MetricStore {
  private readonly head: MetricHead;
  private readonly byKey = new Map<string, SeriesEntry>();
  /** The same entries by arrivalKey() (label order as received); may hold several keys per series. */
  private readonly byArrivalKey = new Map<string, SeriesEntry>();
  private readonly byRef = new Map<number, SeriesEntry>();
  /** Series already in the database (from init()), by seriesHash(), not yet seen by this process. */
  private stored = new Map<string, { id: number; metricId: number }>();
  private readonly seriesPerMetric = new Map<string, number>();
  private readonly metadata = new Map<string, MetricMetadata>();
  private readonly dirtyMetadata = new Set<string>();
  private readonly refusals = new Map<string, number>();
  private readonly pendingRefusals = new Map<string, number>();
  private readonly now: () => number;
  private nextRef = 1;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Entries without a database id yet. */
  private readonly unregistered = new Set<SeriesEntry>();
  /** Pipeline batches in the head, not yet committed by a flush. */
  private pendingBatches: PendingBatch[] = [];
  /**
   * A flush whose transaction failed without a known outcome (the connection died around COMMIT):
   * its id tells the next flush whether it committed, so nothing it held is written twice.
   */
  private uncertain: { flushId: string; changes: HeadChanges; batches: PendingBatch[]; closed: number; blocks: BlockWrite } | undefined;
  /** This process's head blocks are written under this id (metric_head_blocks.head_id): only it deletes them. */
  private readonly headId = randomBytes(6).readUIntLE(0, 6);
  /** Per group, the end times of the blocks this head wrote and has not deleted, ascending. */
  private readonly blockEnds = new Map<number, number[]>();

  readonly stats = { samplesAppended: 0, samplesOutOfOrder: 0, seriesRefused: 0, chunksWritten: 0, flushFailures: 0, lastFlushError: '', hashCollisions: 0 };

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: MetricStoreOptions,
  ) {
    this.head = options.head ?? new InMemoryMetricHead();
    this.now = options.now ?? Date.now;
  }

  /** Learns the series already stored, so they keep their ids and count toward the limit. */
  async init(): Promise<void> {
    const blocks = await this.db.query<{ metric_id: number; data: Uint8Array }>('SELECT metric_id, data FROM metric_series_blocks');
    if (blocks.length === 0) return;
    // Each series' label set rebuilt from the dictionary, to be found by the hash entryFor() computes.
    const pairs = new Map<number, { name: string; value: string }>();
    for (const row of await this.db.query<{ id: number; name: string; value: string }>('SELECT id, name, value FROM metric_label_pairs')) {
      pairs.set(Number(row.id), { name: row.name, value: row.value });
    }
    // Two label sets of one 64-bit hash: neither is taken from here; registration finds each by its pairs.
    const ambiguous = new Set<string>();
    for (const row of blocks) {
      const metricId = Number(row.metric_id);
      const metric = pairs.get(metricId)?.value ?? '';
      let count = 0;
      scanSeriesBlock(row.data, (entry) => {
        count++;
        const labels: Record<string, string> = metric === '' ? {} : { __name__: metric };
        for (const id of entry.pairs) {
          const pair = pairs.get(id);
          if (pair) labels[pair.name] = pair.value;
        }
        const hash = seriesHash(seriesKey(labels));
        if (this.stored.has(hash)) ambiguous.add(hash);
        this.stored.set(hash, { id: entry.id, metricId });
      });
      this.seriesPerMetric.set(metric, (this.seriesPerMetric.get(metric) ?? 0) + count);
    }
    for (const hash of ambiguous) this.stored.delete(hash);
  }

  append(batch: MetricBatch): AppendResult {
    const result: AppendResult = { appended: 0, outOfOrder: 0, refusedSeries: 0, refusedSamples: 0 };
    for (const meta of batch.metadata) this.noteMetadata(meta);
    const handles = batch.seriesHandles !== undefined && batch.seriesHandles.length === batch.series.length ? batch.seriesHandles : undefined;
    for (let i = 0; i < batch.series.length; i++) {
      const series = batch.series[i]!;
      // A decoder's columns (ColumnSeries) are read as they are: no Sample objects are built.
      if (series instanceof ColumnSeries && series.columnar) {
        this.appendColumns(series, handles?.[i], result);
        continue;
      }
      if (series.samples.length === 0) continue;
      const entry = this.entryFor(series.labels, series.samples[0]!.t, handles?.[i]);
      if (!entry) {
        result.refusedSeries++;
        result.refusedSamples += series.samples.length;
        continue;
      }
      for (const sample of series.samples) {
        if (this.head.append(entry.ref, sample.t, sample.v)) result.appended++;
        else result.outOfOrder++;
      }
      const lastT = series.samples[series.samples.length - 1]!.t;
      if (lastT > entry.lastSeenMs) entry.lastSeenMs = lastT;
    }
    this.stats.samplesAppended += result.appended;
    this.stats.samplesOutOfOrder += result.outOfOrder;
    return result;
  }

  /** append()'s loop for one series given as columns. */
  private appendColumns(series: ColumnSeries, handle: SeriesHandle | undefined, result: AppendResult): void {
    const { count, start, times, values } = series;
    if (count === 0) return;
    const entry = this.entryFor(series.labels, times[start]!, handle);
    if (!entry) {
      result.refusedSeries++;
      result.refusedSamples += count;
      return;
    }
    const end = start + count;
    for (let k = start; k < end; k++) {
      if (this.head.append(entry.ref, times[k]!, values[k]!)) result.appended++;
      else result.outOfOrder++;
    }
    const lastT = times[end - 1]!;
    if (lastT > entry.lastSeenMs) entry.lastSeenMs = lastT;
  }

  /**
   * A pipeline batch (collector/signals/metric-signal.ts): appended unless a flush already committed
   * its id (a write-ahead-log replay after a crash), and `persisted` once a flush holding it has committed.
   * `newId` (the writer minted the id for this attempt): nothing can have claimed it, so the
   * ingest_batches round trip is skipped; with one writer it was a serial wait on every batch.
   */
  async write(batch: MetricBatch, batchId: string, newId = false): Promise<StoreReceipt> {
    if (!newId) {
      const claimed = await this.db.query('SELECT 1 FROM ingest_batches WHERE id = $1', [batchId]);
      if (claimed.length > 0) return { persisted: Promise.resolve() };
    }
    this.append(batch);
    return { persisted: new Promise<void>((resolve) => this.pendingBatches.push({ id: batchId, committed: resolve })) };
  }

  /** The last timestamp stored for a label set in this process (scrapers use it for staleness). */
  lastTimestamp(labels: Labels): number | undefined {
    const entry = this.byKey.get(seriesKey(withoutEmptyLabels(labels)));
    return entry ? this.head.lastTimestamp(entry.ref) : undefined;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.flush().catch(() => {});
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    // Every open chunk is written whole: the next process starts new ones and nothing stays a segment.
    this.head.closeAll();
    await this.flush();
  }

  /** Writes everything appended so far. Concurrent calls share one flush then run another. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => {});
    this.flushing = this.flushOnce();
    try {
      await this.flushing;
    } catch (error) {
      this.stats.flushFailures++;
      this.stats.lastFlushError = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Prometheus text for the collector's /metrics. */
  metricsText(): string {
    const lines = [
      '# HELP meshlight_metric_samples_appended_total Metric samples accepted into the head.',
      '# TYPE meshlight_metric_samples_appended_total counter',
      `meshlight_metric_samples_appended_total ${this.stats.samplesAppended}`,
      '# HELP meshlight_metric_samples_out_of_order_total Samples dropped for not being after their series\' last sample.',
      '# TYPE meshlight_metric_samples_out_of_order_total counter',
      `meshlight_metric_samples_out_of_order_total ${this.stats.samplesOutOfOrder}`,
      '# HELP meshlight_metric_head_series Series held in the metrics head.',
      '# TYPE meshlight_metric_head_series gauge',
      `meshlight_metric_head_series ${this.head.seriesCount}`,
      '# HELP meshlight_metric_head_unwritten_samples Samples in the head not yet written to the database (flushed every MESHLIGHT_METRICS_FLUSH_MS).',
      '# TYPE meshlight_metric_head_unwritten_samples gauge',
      `meshlight_metric_head_unwritten_samples ${this.head.unwrittenSamples}`,
      '# HELP meshlight_metric_chunks_written_total Closed chunks written to metric_chunks.',
      '# TYPE meshlight_metric_chunks_written_total counter',
      `meshlight_metric_chunks_written_total ${this.stats.chunksWritten}`,
      '# HELP meshlight_metric_flush_failures_total Head flushes that failed (retried at the next flush).',
      '# TYPE meshlight_metric_flush_failures_total counter',
      `meshlight_metric_flush_failures_total ${this.stats.flushFailures}`,
      '# HELP meshlight_metric_series_refused_total New series refused by the per-metric cardinality limit.',
      '# TYPE meshlight_metric_series_refused_total counter',
    ];
    if (this.refusals.size === 0) lines.push('meshlight_metric_series_refused_total 0');
    for (const [metric, count] of this.refusals) lines.push(`meshlight_metric_series_refused_total{metric="${escapeLabel(metric)}"} ${count}`);
    lines.push(
      '# HELP meshlight_metric_series_hash_collisions_total New series refused for a 64-bit hash collision of one of their label pairs.',
      '# TYPE meshlight_metric_series_hash_collisions_total counter',
      `meshlight_metric_series_hash_collisions_total ${this.stats.hashCollisions}`,
    );
    return `${lines.join('\n')}\n`;
  }

  /**
   * The entry of a series, found through the decoder's handle of its labels when there is one: the
   * entry this store found for that handle before (entries are never removed, so it stays right),
   * else by key, remembered on the handle.
   */
  private entryFor(received: Labels, firstT: number, handle: SeriesHandle | undefined): SeriesEntry | undefined {
    if (handle === undefined) return this.lookUpEntry(received, firstT, undefined);
    if (handle.owner === this) return handle.entry as SeriesEntry;
    const entry = this.lookUpEntry(received, firstT, handle.key);
    if (entry) {
      handle.owner = this;
      handle.entry = entry;
    }
    return entry;
  }

  private lookUpEntry(received: Labels, firstT: number, decodedKey: string | undefined): SeriesEntry | undefined {
    // Senders repeat a series' labels in the same order, so the key in arrival order finds it
    // without sorting; the sorted key (the series' identity, empty values dropped) is built only on
    // a miss. A label set with empty values has an arrival key of its own that leads to the same entry.
    const fastKey = decodedKey ?? arrivalKey(received);
    const fast = this.byArrivalKey.get(fastKey);
    if (fast) return fast;
    const labels = withoutEmptyLabels(received);
    const key = seriesKey(labels);
    const known = this.byKey.get(key);
    if (known) {
      this.byArrivalKey.set(fastKey, known);
      return known;
    }
    const metric = labels.__name__ ?? '';
    const hash = seriesHash(key);
    const stored = this.stored.get(hash);
    if (stored === undefined) {
      const count = this.seriesPerMetric.get(metric) ?? 0;
      if (count >= this.options.maxSeriesPerMetric) {
        this.refusals.set(metric, (this.refusals.get(metric) ?? 0) + 1);
        this.pendingRefusals.set(metric, (this.pendingRefusals.get(metric) ?? 0) + 1);
        this.stats.seriesRefused++;
        return undefined;
      }
      this.seriesPerMetric.set(metric, count + 1);
    } else {
      this.stored.delete(hash);
    }
    const entry: SeriesEntry = {
      ref: this.nextRef++,
      id: stored?.id,
      metricId: stored?.metricId,
      metric,
      labels,
      hash,
      firstSeenMs: firstT,
      lastSeenMs: firstT,
      lastSeenWrittenMs: stored === undefined ? 0 : -Infinity,
    };
    if (stored === undefined) this.unregistered.add(entry);
    this.byKey.set(key, entry);
    this.byArrivalKey.set(fastKey, entry);
    this.byRef.set(entry.ref, entry);
    return entry;
  }

  private noteMetadata(meta: MetricMetadata): void {
    const known = this.metadata.get(meta.metric);
    if (known && known.type === meta.type && known.help === meta.help && known.unit === meta.unit) return;
    this.metadata.set(meta.metric, meta);
    this.dirtyMetadata.add(meta.metric);
  }

  private async flushOnce(): Promise<void> {
    const nowMs = this.now();
    if (this.uncertain) await this.settleUncertainFlush();
    // Series first, until none is left without an id (appends go on while registering); then the
    // changes and the batches they hold are taken together, synchronously, so they match.
    for (let round = 0; this.unregistered.size > 0; round++) {
      await this.registerSeries();
      if (round > 10) break; // under a flood of new series: the rest waits for the next flush
    }
    const changes = this.head.changes((ref) => this.byRef.get(ref)?.id !== undefined);
    const batches = this.unregistered.size === 0 ? this.pendingBatches : [];
    if (this.unregistered.size === 0) this.pendingBatches = [];
    const { closed } = changes;
    const blocks = this.headBlocks(changes);
    if (closed.length) await this.options.partitions?.ensureDays(closed.map((chunk) => Math.floor(chunk.startMs / 86_400_000)));
    // One transaction: the batch ids, expired head blocks deleted, closed chunks and new blocks
    // appended, so a reader never misses a sample (repeats are dropped on read).
    if (closed.length || blocks.rows.length || blocks.expired.length || batches.length) {
      // The flush's own id is claimed with the batches' (see `uncertain`).
      const flushId = `metrics-flush-${randomUUID()}`;
      try {
        await this.db.transaction(async (session) => {
          await session.query('INSERT INTO ingest_batches (id, signal) SELECT unnest($1::text[]), $2 ON CONFLICT (id) DO NOTHING', [
            [flushId, ...batches.map((b) => b.id)],
            'metrics',
          ]);
          // Deleted first, so the rows appended below are never among them.
          if (blocks.expired.length) {
            await session.query(
              `DELETE FROM metric_head_blocks b USING unnest($2::int8[], $3::int8[]) AS e(g, before)
                WHERE b.head_id = $1 AND b.group_id = e.g AND b.end_ms < e.before`,
              [this.headId, blocks.expired.map((e) => e.group), blocks.expired.map((e) => e.beforeMs)],
            );
          }
          if (closed.length) await session.copyFrom('metric_chunks (series_id, start_ms, end_ms, n, data)', this.copyText(closed));
          if (blocks.rows.length) await session.copyFrom('metric_head_blocks (head_id, group_id, start_ms, end_ms, n, data)', blocks.text);
        });
      } catch (error) {
        this.uncertain = { flushId, changes, batches, closed: closed.length, blocks };
        throw error;
      }
    }
    this.blocksWritten(blocks);
    this.committed(changes, batches, closed.length);
    await this.touchLastSeen();
    await this.writeMetadata(nowMs);
    await this.writeRefusals(nowMs);
  }

  private committed(changes: HeadChanges, batches: PendingBatch[], closed: number): void {
    this.head.commit(changes);
    for (const batch of batches) batch.committed();
    this.stats.chunksWritten += closed;
  }

  /** Did the failed flush commit after all? Then its changes are written; else they are offered again. */
  private async settleUncertainFlush(): Promise<void> {
    const { flushId, changes, batches, closed, blocks } = this.uncertain!;
    const rows = await this.db.query('SELECT 1 FROM ingest_batches WHERE id = $1', [flushId]);
    this.uncertain = undefined;
    if (rows.length > 0) {
      this.blocksWritten(blocks);
      this.committed(changes, batches, closed);
    }
    else this.pendingBatches = batches.concat(this.pendingBatches);
  }

  /**
   * The flush's segments packed into one head block per group of series, and the groups whose
   * blocks (written by this head) now end before every sample of theirs not yet in a closed chunk.
   * Built synchronously with changes(), so both describe the same moment.
   */
  private headBlocks(changes: HeadChanges): BlockWrite {
    const byGroup = new Map<number, { entries: HeadBlockEntry[]; startMs: number; endMs: number; n: number }>();
    for (const segment of changes.segments) {
      const id = this.byRef.get(segment.ref)!.id!;
      const group = headBlockGroup(id);
      let block = byGroup.get(group);
      if (!block) byGroup.set(group, (block = { entries: [], startMs: segment.startMs, endMs: segment.endMs, n: 0 }));
      block.entries.push({ seriesId: id, chunk: segment.data });
      if (segment.startMs < block.startMs) block.startMs = segment.startMs;
      if (segment.endMs > block.endMs) block.endMs = segment.endMs;
      block.n += segment.n;
    }
    const rows: BlockWrite['rows'] = [];
    let text = '';
    for (const [group, block] of byGroup) {
      block.entries.sort((a, b) => a.seriesId - b.seriesId);
      const data = encodeHeadBlock(group, block.entries);
      rows.push({ group, endMs: block.endMs });
      text += `${this.headId}\t${group}\t${block.startMs}\t${block.endMs}\t${block.n}\t${copyByteaFromHex(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('hex'))}\n`;
    }
    const expired: BlockWrite['expired'] = [];
    if (this.blockEnds.size > 0) {
      const floor = new Map<number, number>();
      this.head.forEachUnclosed((ref, startMs) => {
        const id = this.byRef.get(ref)?.id;
        if (id === undefined) return;
        const group = headBlockGroup(id);
        const known = floor.get(group);
        if (known === undefined || startMs < known) floor.set(group, startMs);
      }, changes);
      for (const [group, ends] of this.blockEnds) {
        const beforeMs = floor.get(group) ?? Number.MAX_SAFE_INTEGER;
        if (ends[0]! < beforeMs) expired.push({ group, beforeMs });
      }
    }
    return { rows, text, expired };
  }

  private blocksWritten(blocks: BlockWrite): void {
    for (const { group, beforeMs } of blocks.expired) {
      const ends = this.blockEnds.get(group)!;
      let i = 0;
      while (i < ends.length && ends[i]! < beforeMs) i++;
      if (i === ends.length) this.blockEnds.delete(group);
      else ends.splice(0, i);
    }
    for (const { group, endMs } of blocks.rows) {
      const ends = this.blockEnds.get(group);
      if (!ends) this.blockEnds.set(group, [endMs]);
      else {
        let i = ends.length;
        while (i > 0 && ends[i - 1]! > endMs) i--;
        ends.splice(i, 0, endMs);
      }
    }
  }

  private copyText(chunks: EncodedChunk[]): string {
    let text = '';
    for (const chunk of chunks) {
      const id = this.byRef.get(chunk.ref)!.id!;
      // A view, not a copy, of the chunk's bytes.
      const hex = Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength).toString('hex');
      text += `${id}\t${chunk.startMs}\t${chunk.endMs}\t${chunk.n}\t${copyByteaFromHex(hex)}\n`;
    }
    return text;
  }

  /**
   * New series get their label pairs' ids (metric_label_pairs, added when new) and an entry in their
   * metric's blocks (metric_series_blocks). A series is its metric and pair ids: one already there
   * (another collector registered it, or a restart) keeps its id.
   */
  private async registerSeries(): Promise<void> {
    // Parts of at most REGISTER_BATCH series of at most MAX_LOCKED_METRICS metrics (metric-series-blocks.ts).
    const fresh = [...this.unregistered].sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
    const parts: SeriesEntry[][] = [];
    let part: SeriesEntry[] = [];
    let metrics = 0;
    for (const entry of fresh) {
      const newMetric = part.length === 0 || part[part.length - 1]!.metric !== entry.metric;
      if (part.length >= REGISTER_BATCH || (newMetric && metrics >= MAX_LOCKED_METRICS)) {
        parts.push(part);
        part = [];
        metrics = 0;
      }
      if (part.length === 0 || newMetric) metrics++;
      part.push(entry);
    }
    if (part.length) parts.push(part);
    for (const entries of parts) {
      // One transaction, so retention's clean-up of unused pairs (metric-partitions.ts, which locks
      // metric_label_pairs against these inserts) cannot remove a pair between its read and its use.
      const registered = await this.db.transaction((session) => this.registerPart(session, entries));
      // Taken once committed: a rolled-back part is registered again at the next flush.
      for (const { metricId, entry, stored } of registered) {
        this.unregistered.delete(entry);
        entry.id = stored.id;
        entry.metricId = metricId;
        entry.lastSeenWrittenMs = entry.lastSeenMs;
      }
    }
  }

  /** Registers a part of the new series in `session`'s transaction; returns the series it registered. */
  private async registerPart(session: SqlSession, fresh: SeriesEntry[]): Promise<Registered[]> {
    let part = fresh;
    const pairIds = await this.labelPairIds(session, part);
    const pairsOf = (entry: SeriesEntry) => {
      const pairs: number[] = [];
      for (const name in entry.labels) if (name !== '__name__') pairs.push(pairIds.get(pairKey(name, entry.labels[name]!))!);
      return pairs.sort((a, b) => a - b);
    };
    // A pair whose hash another pair holds has no id (labelPairIds): its series are refused.
    const complete = (entry: SeriesEntry) =>
      pairIds.has(pairKey('__name__', entry.metric)) && Object.keys(entry.labels).every((name) => name === '__name__' || pairIds.has(pairKey(name, entry.labels[name]!)));
    for (const entry of part.filter((e) => !complete(e))) {
      this.unregistered.delete(entry);
      this.stats.hashCollisions++;
    }
    part = part.filter(complete);
    if (part.length === 0) return [];
    const byMetric = new Map<number, SeriesEntry[]>();
    for (const entry of part) {
      const metricId = pairIds.get(pairKey('__name__', entry.metric))!;
      const list = byMetric.get(metricId);
      if (list) list.push(entry);
      else byMetric.set(metricId, [entry]);
    }
    // The metrics' blocks, locked until commit: the pair sets they hold are the registered series.
    const blocks = await lockMetricBlocks(session, byMetric.keys());
    const registered: Registered[] = [];
    const created = new Map<number, SeriesBlockEntry[]>();
    for (const [metricId, entries] of byMetric) {
      const held = new Map<string, { stored: SeriesBlockEntry; block: { changed: boolean } }>();
      for (const block of blocks.get(metricId)!) for (const stored of block.entries) held.set(stored.pairs.join(','), { stored, block });
      for (const entry of entries) {
        const pairs = pairsOf(entry);
        const key = pairs.join(',');
        const found = held.get(key);
        if (!found) {
          const stored: SeriesBlockEntry = { id: 0, firstSeenMs: entry.firstSeenMs, lastSeenMs: entry.lastSeenMs, pairs };
          held.set(key, { stored, block: { changed: true } });
          const list = created.get(metricId);
          if (list) list.push(stored);
          else created.set(metricId, [stored]);
          registered.push({ metricId, entry, stored });
          continue;
        }
        const { stored, block } = found;
        // The same series twice in this part (entries are one per label set, so never): the second
        // stays unregistered and finds the first at the next flush.
        if (stored.id === 0) continue;
        if (entry.firstSeenMs < stored.firstSeenMs || entry.lastSeenMs > stored.lastSeenMs) {
          stored.firstSeenMs = Math.min(stored.firstSeenMs, entry.firstSeenMs);
          stored.lastSeenMs = Math.max(stored.lastSeenMs, entry.lastSeenMs);
          block.changed = true;
        }
        registered.push({ metricId, entry, stored });
      }
    }
    const count = [...created.values()].reduce((n, list) => n + list.length, 0);
    if (count > 0) {
      const rows = await session.query<{ id: bigint | number | string }>("SELECT nextval('metric_series_id_seq') AS id FROM generate_series(1, $1::int)", [count]);
      const ids = rows.map((row) => Number(row.id)).sort((a, b) => a - b);
      let k = 0;
      for (const [metricId, list] of created) {
        for (const stored of list) stored.id = ids[k++]!;
        appendEntries(metricId, blocks.get(metricId)!, list);
      }
    }
    await writeBlocks(session, [...blocks.values()].flat());
    return registered;
  }

  /**
   * Ids of every label pair the series hold (their metric names as `__name__` pairs), added when new.
   * Pairs are unique by a 64-bit hash; one whose hash another pair holds gets no id.
   */
  private async labelPairIds(session: SqlSession, entries: SeriesEntry[]): Promise<Map<string, number>> {
    const names: string[] = [];
    const values: string[] = [];
    const seen = new Set<string>();
    const want = (name: string, value: string) => {
      const key = pairKey(name, value);
      if (seen.has(key)) return;
      seen.add(key);
      names.push(name);
      values.push(value);
    };
    for (const entry of entries) {
      want('__name__', entry.metric);
      for (const name in entry.labels) if (name !== '__name__') want(name, entry.labels[name]!);
    }
    const ids = new Map<string, number>();
    // Inserted when missing, then read; a pair another collector inserted meanwhile is read next round.
    for (let round = 0; round < 3 && ids.size < names.length; round++) {
      const rows = await session.query<{ id: number; name: string; value: string }>(
        `WITH w AS (SELECT name, value, ${labelPairHashSql('name', 'value')} AS hash FROM unnest($1::text[], $2::text[]) AS w(name, value)),
         added AS (
           INSERT INTO metric_label_pairs (hash, name, value)
           SELECT w.hash, w.name, w.value FROM w WHERE NOT EXISTS (SELECT 1 FROM metric_label_pairs p WHERE p.hash = w.hash)
           ORDER BY 2, 3
           ON CONFLICT (hash) DO NOTHING
           RETURNING id, name, value)
         SELECT id, name, value FROM added
         UNION ALL
         SELECT p.id, p.name, p.value FROM metric_label_pairs p JOIN w ON p.hash = w.hash AND p.name = w.name AND p.value = w.value`,
        [names, values],
      );
      for (const row of rows) ids.set(pairKey(row.name, row.value), Number(row.id));
    }
    return ids;
  }

  private async touchLastSeen(): Promise<void> {
    const due = new Map<number, Map<number, number>>();
    const touched: Array<[SeriesEntry, number]> = [];
    for (const entry of this.byRef.values()) {
      if (entry.id !== undefined && entry.metricId !== undefined && entry.lastSeenMs - entry.lastSeenWrittenMs >= LAST_SEEN_RESOLUTION_MS) {
        let ids = due.get(entry.metricId);
        if (!ids) due.set(entry.metricId, (ids = new Map()));
        ids.set(entry.id, entry.lastSeenMs);
        touched.push([entry, entry.lastSeenMs]);
      }
    }
    if (due.size === 0) return;
    for (const group of metricGroups(due.keys())) {
      await this.db.transaction(async (session) => {
        const blocks = await lockMetricBlocks(session, group);
        for (const [metricId, list] of blocks) {
          const ids = due.get(metricId)!;
          for (const block of list) {
            for (const stored of block.entries) {
              const t = ids.get(stored.id);
              if (t !== undefined && t > stored.lastSeenMs) {
                stored.lastSeenMs = t;
                block.changed = true;
              }
            }
          }
        }
        await writeBlocks(session, [...blocks.values()].flat());
      });
    }
    for (const [entry, t] of touched) entry.lastSeenWrittenMs = t;
  }

  private async writeMetadata(nowMs: number): Promise<void> {
    if (this.dirtyMetadata.size === 0) return;
    const metas = [...this.dirtyMetadata].map((name) => this.metadata.get(name)!);
    await this.db.query(
      `INSERT INTO metric_metadata (metric, type, help, unit, updated_ms)
       SELECT m, t, h, u, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(m, t, h, u)
       ON CONFLICT (metric) DO UPDATE SET type = EXCLUDED.type, help = EXCLUDED.help, unit = EXCLUDED.unit, updated_ms = EXCLUDED.updated_ms`,
      [metas.map((m) => m.metric), metas.map((m) => m.type), metas.map((m) => m.help), metas.map((m) => m.unit), nowMs],
    );
    for (const meta of metas) if (this.metadata.get(meta.metric) === meta) this.dirtyMetadata.delete(meta.metric);
  }

  private async writeRefusals(nowMs: number): Promise<void> {
    if (this.pendingRefusals.size === 0) return;
    const entries = [...this.pendingRefusals];
    this.pendingRefusals.clear();
    try {
      await this.db.query(
        `INSERT INTO metric_cardinality_refusals (metric, refused, last_refused_ms)
         SELECT m, r, $3 FROM unnest($1::text[], $2::int8[]) AS x(m, r)
         ON CONFLICT (metric) DO UPDATE SET refused = metric_cardinality_refusals.refused + EXCLUDED.refused, last_refused_ms = EXCLUDED.last_refused_ms`,
        [entries.map(([m]) => m), entries.map(([, n]) => n), nowMs],
      );
    } catch (error) {
      for (const [metric, n] of entries) this.pendingRefusals.set(metric, (this.pendingRefusals.get(metric) ?? 0) + n);
      throw error;
    }
  }
}

/** A series registerPart() registered: its entry in its metric's blocks. */
interface Registered {
  metricId: number;
  entry: SeriesEntry;
  stored: SeriesBlockEntry;
}

/** The key of a label pair in the maps of registerPart()/labelPairIds(). */
function pairKey(name: string, value: string): string {
  return `${name}\u0000${value}`;
}

/**
 * A seriesKey()'s hash, by which a starting collector finds the series stored (init()): its MD5 in
 * hex. Only in memory (the blocks identify a series by its pair ids), so any fixed hash would do.
 */
export function seriesHash(key: string): string {
  return digest('md5', key, 'hex');
}

/** Prometheus treats a label with an empty value as absent: `{a=""}` and `{}` are one series. */
export function withoutEmptyLabels(labels: Labels): Labels {
  for (const name in labels) {
    if (labels[name] === '') {
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(labels)) if (value !== '') out[key] = value;
      return out;
    }
  }
  return labels;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
