// Metrics as a pipeline signal: OTLP metrics (`/v1/metrics`, gRPC MetricsService) and Prometheus
// remote_write 1.0 (`POST /api/v1/write`) decode to a MetricBatch (lib/domain/metrics/types.ts)
// that goes through the generic queue and writers like spans and logs, whose store appends it to
// the MetricStore's head (collector/store/metric-store.ts); the head is flushed as chunks on its own
// timer. Scrapes append to the same store directly. Observers see each batch's latest samples
// (breakers and lag from OTLP metrics, e.g. Polly's `resilience.polly.strategy.events`).
//
// Durability: an accepted batch is in the head until its next flush (MESHLIGHT_METRICS_FLUSH_MS);
// the write-ahead log keeps it until that flush has committed it with the batch's id, so a crash
// loses nothing acknowledged and the replay stores nothing twice (MetricStore.write()).
import { decodeMetricsJson } from '../receivers/otlp/decode-metrics-json';
import { decodeMetricsProto } from '../receivers/otlp/decode-metrics-proto';
import { encodeExportResponseJson, encodeExportResponseProto } from '../receivers/otlp/encode-trace-response';
import { METRICS_EXPORT_PATH } from '../receivers/otlp/grpc-receiver';
import type { ExportFunction, OtlpSignalWire } from '../receivers/otlp/otlp-signals';
import { decodeRemoteWrite } from '../receivers/prometheus/decode-remote-write';
import type { HttpRoute } from '../receivers/routes';
import { RetryableError } from '../../lib/otlp/errors';
import { ColumnSeries, seriesSampleCount } from '../../lib/domain/metrics/column-series';
import type { DeltaToCumulative } from '../../lib/domain/metrics/delta-to-cumulative';
import { withSeriesHandles, type InstantSample, type Labels, type MetricBatch, type Sample, type SeriesHandle, type SeriesSamples } from '../../lib/domain/metrics/types';
import type { BatchObserver, RowsCodec, SignalDefinition } from '../pipeline/signal';
import type { MetricStore } from '../store/metric-store';

const BYTES_PER_SAMPLE = 96;

function sampleCount(series: readonly SeriesSamples[]): number {
  let n = 0;
  for (const s of series) n += seriesSampleCount(s);
  return n;
}

function batchOf(series: SeriesSamples[], metadata: MetricBatch['metadata']): MetricBatch {
  return { series, metadata, sampleCount: sampleCount(series), rejectedSamples: 0, rejectionMessage: '' };
}

export const metricRowsCodec: RowsCodec<MetricBatch> = {
  count: (rows) => rows.sampleCount,
  bytes: (rows) => rows.sampleCount * BYTES_PER_SAMPLE + rows.series.length * 200,
  merge(parts) {
    // concat, not flatMap: one array of the final length (a writer merges ~10,000 series at a time).
    const merged = batchOf(([] as SeriesSamples[]).concat(...parts.map((p) => p.series)), parts.flatMap((p) => p.metadata));
    // The decoder's series handles carry over when every part has them (remote_write batches do).
    return parts.every((p) => p.seriesHandles !== undefined) ? withSeriesHandles(merged, ([] as SeriesHandle[]).concat(...parts.map((p) => p.seriesHandles!))) : merged;
  },
  split(rows) {
    if (rows.series.length < 2) {
      const only = rows.series[0];
      if (!only || only.samples.length < 2) return [rows, batchOf([], [])];
      const half = only.samples.length >> 1;
      return [batchOf([{ labels: only.labels, samples: only.samples.slice(0, half) }], rows.metadata), batchOf([{ labels: only.labels, samples: only.samples.slice(half) }], [])];
    }
    const half = rows.series.length >> 1;
    return [batchOf(rows.series.slice(0, half), rows.metadata), batchOf(rows.series.slice(half), [])];
  },
  describe: (rows) => JSON.stringify(rows.series[0]?.labels ?? {}).slice(0, 200),
  // Staleness markers are NaNs with a payload that JSON cannot carry: keep the bits as hex.
  toJson: (rows) => ({
    series: rows.series.map((s) => ({ labels: s.labels, samples: s.samples.map((x) => [x.t, floatBits(x.v)]) })),
    metadata: rows.metadata,
  }),
  fromJson(value) {
    const v = value as { series: Array<{ labels: Record<string, string>; samples: Array<[number, string]> }>; metadata: MetricBatch['metadata'] };
    return batchOf(
      v.series.map((s) => ({ labels: s.labels, samples: s.samples.map(([t, bits]) => ({ t, v: floatFromBits(bits) })) })),
      v.metadata,
    );
  },
  toBinary: metricBatchToBinary,
  fromBinary: metricBatchFromBinary,
};

// --- the write-ahead log's binary form of a batch ---
// A remote_write request is logged as the snappy body it arrived as (the smallest form there is,
// and no encoding work on the ingest path): replay decodes it again, which gives the same batch.
// Anything else (OTLP: its decoding has state, delta → cumulative) is logged decoded: a JSON
// header (labels per series, sample counts, metadata) and the samples as float64 columns, values
// as raw bits (the staleness marker's NaN payload survives).
const BINARY_REMOTE_WRITE = 1;
const BINARY_COLUMNS = 2;

/** Remote_write batches and the request body each was decoded from. */
const remoteWriteBodies = new WeakMap<MetricBatch, Uint8Array>();

function metricBatchToBinary(rows: MetricBatch): Buffer {
  const body = remoteWriteBodies.get(rows);
  if (body) {
    const out = Buffer.allocUnsafe(1 + body.length);
    out[0] = BINARY_REMOTE_WRITE;
    out.set(body, 1);
    return out;
  }
  const header = Buffer.from(JSON.stringify({ labels: rows.series.map((s) => s.labels), counts: rows.series.map((s) => s.samples.length), metadata: rows.metadata }));
  const n = sampleCount(rows.series);
  const out = Buffer.allocUnsafe(5 + header.length + 16 * n);
  out[0] = BINARY_COLUMNS;
  out.writeUInt32LE(header.length, 1);
  header.copy(out, 5);
  let at = 5 + header.length;
  for (const s of rows.series) for (const x of s.samples) at = out.writeDoubleLE(x.t, at);
  for (const s of rows.series) for (const x of s.samples) at = out.writeDoubleLE(x.v, at);
  return out;
}

function metricBatchFromBinary(bytes: Buffer): MetricBatch {
  if (bytes[0] === BINARY_REMOTE_WRITE) return decodeRemoteWrite(bytes.subarray(1));
  if (bytes[0] !== BINARY_COLUMNS) throw new Error(`unknown metrics record kind ${bytes[0]}`);
  const headerLength = bytes.readUInt32LE(1);
  const header = JSON.parse(bytes.toString('utf8', 5, 5 + headerLength)) as { labels: Labels[]; counts: number[]; metadata: MetricBatch['metadata'] };
  const n = header.counts.reduce((a, b) => a + b, 0);
  let tAt = 5 + headerLength;
  let vAt = tAt + 8 * n;
  const series = header.labels.map((labels, i) => {
    const samples: Sample[] = new Array(header.counts[i]!);
    for (let k = 0; k < samples.length; k++) {
      samples[k] = { t: bytes.readDoubleLE(tAt), v: bytes.readDoubleLE(vAt) };
      tAt += 8;
      vAt += 8;
    }
    return { labels, samples };
  });
  return batchOf(series, header.metadata);
}

// The bits as BigInt(bits).toString(16) would print them, without allocating a BigInt per sample (the
// write-ahead log encodes every sample).
const scratch = new DataView(new ArrayBuffer(8));
export function floatBits(v: number): string {
  scratch.setFloat64(0, v);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4).toString(16);
  return hi === 0 ? lo : hi.toString(16) + '00000000'.slice(lo.length) + lo;
}
export function floatFromBits(bits: string): number {
  const split = bits.length - 8;
  scratch.setUint32(0, split > 0 ? parseInt(bits.slice(0, split), 16) : 0);
  scratch.setUint32(4, parseInt(split > 0 ? bits.slice(split) : bits, 16));
  return scratch.getFloat64(0);
}

/**
 * The latest sample of each series of a batch, for observers that read instant values; with
 * `reads`, only of the metrics it names (`t` is the batch's latest time all the same).
 */
export function latestSamples(batch: MetricBatch, reads?: (metric: string) => boolean): { samples: InstantSample[]; t: number } {
  const samples: InstantSample[] = [];
  let t = 0;
  for (const s of batch.series) {
    if (s instanceof ColumnSeries && s.columnar) {
      // The decoder's columns: read in place (reading `samples` would build every Sample).
      if (s.count === 0) continue;
      const at = s.start + s.count - 1;
      const lastT = s.times[at]!;
      if (lastT > t) t = lastT;
      if (reads === undefined || reads(s.labels.__name__ ?? '')) samples.push({ labels: s.labels, value: s.values[at]! });
      continue;
    }
    const last = s.samples[s.samples.length - 1];
    if (!last) continue;
    if (last.t > t) t = last.t;
    if (reads === undefined || reads(s.labels.__name__ ?? '')) samples.push({ labels: s.labels, value: last.v });
  }
  return { samples, t };
}

export interface MetricSignalOptions {
  /** The store, once the database is ready (metrics start with it); undefined before. */
  store: () => MetricStore | undefined;
  maxQueuedSamples: number;
  /**
   * Sees each batch's latest samples (the breakers/lag monitor); with readsMetric, only those of the
   * metrics it reads (most batches hold none: nothing is built for them).
   */
  sampleObserver?: { observeSamples(samples: readonly InstantSample[], t: number): void; readsMetric?(metric: string): boolean };
}

export function metricSignal(options: MetricSignalOptions): SignalDefinition<MetricBatch, MetricBatch> {
  const observers: BatchObserver<MetricBatch>[] = [];
  if (options.sampleObserver) {
    const observer = options.sampleObserver;
    const reads = observer.readsMetric?.bind(observer);
    observers.push({
      observe(batch) {
        try {
          const { samples, t } = latestSamples(batch, reads);
          if (samples.length) observer.observeSamples(samples, t);
        } catch {
          // observers must not fail an export
        }
      },
    });
  }
  return {
    name: 'metrics',
    unit: 'samples',
    outcome: (batch) => ({ accepted: batch.sampleCount, rejected: batch.rejectedSamples, errorMessage: batch.rejectionMessage }),
    encode: (batch) => batch,
    rows: metricRowsCodec,
    store: {
      async write(rows, batchId, newId) {
        const store = options.store();
        if (!store) throw new RetryableError('storage-unavailable', 'metrics storage is starting', 5);
        return store.write(rows, batchId, newId);
      },
    },
    observers,
    maxQueuedItems: options.maxQueuedSamples,
    // The head takes each series' samples in time order only (a later batch appended first would
    // make the earlier one's samples out of order, dropped): one writer keeps the queue's order,
    // and appending to the head is in memory, so one is enough.
    writers: 1,
  };
}

/** OTLP metrics over HTTP and gRPC; delta temporality accumulated by one shared DeltaToCumulative. */
export function metricsWire(deltas: DeltaToCumulative): OtlpSignalWire<MetricBatch> {
  return {
    signal: 'metrics',
    httpPath: '/v1/metrics',
    grpcPath: METRICS_EXPORT_PATH,
    decodeProto: (bytes) => decodeMetricsProto(bytes, { deltas }),
    decodeJson: (text) => decodeMetricsJson(text, { deltas }),
    encodeResponseProto: encodeExportResponseProto,
    encodeResponseJson: (result) => encodeExportResponseJson(result, 'rejectedDataPoints'),
  };
}

/** Prometheus's own error body is the message as plain text. */
const plainTextError = (status: { message: string }) => ({ contentType: 'text/plain; charset=utf-8', body: `${status.message}\n` });

/** POST /api/v1/write: Prometheus remote_write 1.0 (snappy block + protobuf WriteRequest), 204 on success. */
export function remoteWriteRoutes(exportBatch: ExportFunction<MetricBatch>): HttpRoute[] {
  return [
    {
      path: '/api/v1/write',
      signal: 'metrics',
      mediaTypes: ['application/x-protobuf', 'application/protobuf'],
      // The body is a snappy block whatever Content-Encoding says (remote_write 1.0 sends `snappy`).
      ownEncodings: ['snappy'],
      errorBody: plainTextError,
      async handle({ body }) {
        const batch = decodeRemoteWrite(body);
        remoteWriteBodies.set(batch, body);
        const result = await exportBatch(batch);
        if (result.rejected > 0 && result.errorMessage) {
          // Samples refused as invalid (e.g. native histograms) are not retried: 400 with the reason.
          return { status: 400, contentType: 'text/plain; charset=utf-8', body: `${result.errorMessage}\n` };
        }
        return { status: 204, contentType: 'text/plain; charset=utf-8', body: '' };
      },
    },
  ];
}
