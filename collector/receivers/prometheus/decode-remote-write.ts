// Decodes a Prometheus remote_write 1.0 request body into a MetricBatch.
// Spec: https://prometheus.io/docs/specs/remote_write_spec/ — the body is a snappy *block*
// (not framed) of a protobuf prometheus.WriteRequest (prompb/remote.proto, prompb/types.proto):
//
//   WriteRequest   { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
//   TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2;
//                    repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
//   Label          { string name = 1; string value = 2; }
//   Sample         { double value = 1; int64 timestamp = 2; }          // timestamp: Unix ms
//   MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
//
//   decodeRemoteWrite(body: Buffer, options?) → MetricBatch
//
// Everything the spec says a receiver must refuse throws MalformedPayloadError (a
// PermanentError('malformed'): HTTP 400, never retried) with a message naming the series:
// bad snappy, a decompressed size over the limit, bad protobuf, label names that are invalid,
// unsorted or repeated, a series without `__name__`, sample timestamps that do not ascend.
// Labels with an empty value are dropped (the spec says senders must not send them; Prometheus
// treats "" as absent). Entries naming the same series are merged (Prometheus sends one entry
// per sample), their samples in time order. Exemplars are read and validated but not carried: MetricBatch has no
// place for them yet. Native histograms (field 4) are out of scope: each is counted in
// rejectedSamples with a message, the rest of the request is kept.
import { uncompressSync } from 'snappy';
import { ColumnSeries, seriesSampleCount } from '../../../lib/domain/metrics/column-series';
import { withSeriesHandles, type Labels, type MetricBatch, type MetricMetadata, type MetricType, type Sample, type SeriesHandle, type SeriesSamples } from '../../../lib/domain/metrics/types';
import { MalformedPayloadError, asMalformed, rethrowWithin } from '../otlp/malformed';
import { ProtobufReader } from '../otlp/protobuf-reader';

export interface RemoteWriteOptions {
  /** Refuse bodies that claim to decompress to more than this (a snappy bomb guard). */
  maxDecompressedBytes?: number;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

const METRIC_TYPES: readonly MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

export function decodeRemoteWrite(body: Uint8Array, options: RemoteWriteOptions = {}): MetricBatch {
  const bytes = uncompressBlock(body, options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES);
  return decodeWriteRequest(bytes);
}

/** The protobuf WriteRequest alone (already decompressed). */
export function decodeWriteRequest(bytes: Uint8Array): MetricBatch {
  const r = new ProtobufReader(bytes);
  const request = labelCache.startRequest();
  const series: SeriesSamples[] = [];
  /** The handle of each entry of `series` (MetricBatch.seriesHandles). */
  const handles: LabelSetHandle[] = [];
  // Prometheus sends one TimeSeries entry per sample, so a request may name one series many
  // times: entries with the same labels (the same handle) are merged into one SeriesSamples.
  const merged = new Set<SeriesSamples>();
  const metadata: MetricMetadata[] = [];
  const state: SeriesState = { handle: undefined, rejected: 0, rejectionMessage: '' };
  const requestStart = columns.n;
  const requestSlab = columns.times;
  let sampleCount = 0;
  try {
    while (r.hasMore()) {
      const tag = r.readTag();
      switch (tag >>> 3) {
        case 1: {
          const index = series.length;
          try {
            const decoded = decodeTimeSeries(r, tag, state, bytes);
            const handle = state.handle!;
            if (handle.request !== request) {
              handle.request = request;
              handle.index = series.length;
              series.push(decoded);
              handles.push(handle);
            } else if (decoded.samples.length > 0) {
              // Rare: both entries' samples become Sample objects (the series leaves its columns).
              const existing = series[handle.index]!;
              for (const sample of decoded.samples) existing.samples.push(sample);
              merged.add(existing);
            }
          } catch (error) {
            rethrowWithin(error, `timeseries[${index}]`);
          }
          break;
        }
        case 3:
          try {
            metadata.push(decodeMetadata(r, tag));
          } catch (error) {
            rethrowWithin(error, `metadata[${metadata.length}]`);
          }
          break;
        default:
          r.skip(tag);
      }
    }
  } catch (error) {
    // Nothing of a refused request is kept: its room in the slab is used again.
    if (columns.times === requestSlab) columns.n = requestStart;
    throw asMalformed(error);
  }
  for (const s of merged) s.samples = ascending(s.samples);
  for (const s of series) sampleCount += seriesSampleCount(s);
  return withSeriesHandles({ series, metadata, sampleCount, rejectedSamples: state.rejected, rejectionMessage: state.rejectionMessage }, handles);
}

/** What decodeTimeSeries() tells its caller besides the series (one object per request, not per series). */
interface SeriesState {
  /** The handle of the series just decoded. */
  handle: LabelSetHandle | undefined;
  /** Native histograms refused so far, and the first refusal's message. */
  rejected: number;
  rejectionMessage: string;
}

/** Samples of merged entries in time order; for a repeated time the last one sent wins. */
function ascending(samples: Sample[]): Sample[] {
  const sorted = samples.map((sample, i) => ({ sample, i })).sort((a, b) => a.sample.t - b.sample.t || a.i - b.i);
  const out: Sample[] = [];
  for (const { sample } of sorted) {
    if (out.length > 0 && out[out.length - 1]!.t === sample.t) out[out.length - 1] = sample;
    else out.push(sample);
  }
  return out;
}

function uncompressBlock(body: Uint8Array, maxBytes: number): Uint8Array {
  // The block starts with the uncompressed length as a varint (≤ 32 bits); check it before the
  // native decoder allocates that much.
  let length = 0;
  let i = 0;
  for (let shift = 0; ; shift += 7) {
    if (i >= body.length || shift > 28) throw new MalformedPayloadError('snappy: invalid or truncated block length');
    const b = body[i++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (length > maxBytes) {
    throw new MalformedPayloadError(`snappy: the body decompresses to ${length} bytes, over the ${maxBytes}-byte limit`);
  }
  try {
    return uncompressSync(Buffer.from(body.buffer, body.byteOffset, body.byteLength), { asBuffer: true }) as Buffer;
  } catch (error) {
    throw new MalformedPayloadError(`snappy: ${error instanceof Error ? error.message.replace(/^snappy: /, '') : String(error)} (the body must be a snappy block-compressed WriteRequest)`);
  }
}

/**
 * Label sets already decoded, by their raw protobuf bytes. A sender repeats each series' labels
 * byte for byte in every request, so a known series costs a hash and a compare of those bytes: no
 * label strings, no label object, no key built (the decoded labels and key are shared, immutable).
 * Only label runs that decoded without error are kept; identical bytes decode identically.
 * The raw bytes are copied into shared slabs (not a small ArrayBuffer per series, which the
 * garbage collector would track one by one) and compared natively.
 */
interface CachedLabels {
  slab: Buffer;
  offset: number;
  length: number;
  labels: Labels;
  handle: LabelSetHandle;
}

/**
 * One per distinct label set (by key: label runs that differ only in empty labels share it), for
 * as long as the cache keeps it. It also tells a request's entries for one series apart without a
 * map: the request that last named it, and where that request's series of it is.
 */
class LabelSetHandle implements SeriesHandle {
  request = 0;
  index = 0;
  owner?: object;
  entry?: unknown;

  constructor(readonly key: string) {}
}

const LABEL_CACHE_MAX = 1 << 20;
const SLAB_BYTES = 1 << 20;

class LabelCache {
  private readonly byHash = new Map<number, CachedLabels | CachedLabels[]>();
  private readonly handles = new Map<string, LabelSetHandle>();
  private size = 0;
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private slabUsed = 0;
  private requests = 0;

  /**
   * A new request's number (for LabelSetHandle.request). The cache is emptied here when full, never
   * within a request: a handle then stays the only one of its label set for the whole request.
   */
  startRequest(): number {
    if (this.size >= LABEL_CACHE_MAX || this.handles.size >= LABEL_CACHE_MAX) {
      this.byHash.clear();
      this.handles.clear();
      this.size = 0;
    }
    return ++this.requests;
  }

  get(bytes: Uint8Array, start: number, end: number, hash: number): CachedLabels | undefined {
    const hit = this.byHash.get(hash);
    if (hit === undefined) return undefined;
    if (!Array.isArray(hit)) return sameBytes(hit, bytes, start, end) ? hit : undefined;
    for (const entry of hit) if (sameBytes(entry, bytes, start, end)) return entry;
    return undefined;
  }

  /** The handle of the label set with this key. */
  handle(key: string): LabelSetHandle {
    let handle = this.handles.get(key);
    if (handle === undefined) this.handles.set(key, (handle = new LabelSetHandle(key)));
    return handle;
  }

  add(bytes: Uint8Array, start: number, end: number, hash: number, labels: Labels, handle: LabelSetHandle): void {
    const length = end - start;
    if (this.slabUsed + length > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, length));
      this.slabUsed = 0;
    }
    this.slab.set(bytes.subarray(start, end), this.slabUsed);
    const entry: CachedLabels = { slab: this.slab, offset: this.slabUsed, length, labels, handle };
    this.slabUsed += length;
    const hit = this.byHash.get(hash);
    if (hit === undefined) this.byHash.set(hash, entry);
    else if (Array.isArray(hit)) hit.push(entry);
    else this.byHash.set(hash, [hit, entry]);
    this.size++;
  }
}

const labelCache = new LabelCache();

function sameBytes(entry: CachedLabels, bytes: Uint8Array, start: number, end: number): boolean {
  return entry.length === end - start && entry.slab.compare(bytes, start, end, entry.offset, entry.offset + entry.length) === 0;
}

/** FNV-1a over bytes[start, end), as a signed 32-bit integer (a small-integer Map key: no boxed number per lookup). */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h | 0;
}

/**
 * End of the run of Label fields (tag 1, length-delimited) that starts at `pos`, or -1 when it is
 * not well formed within `limit` (the full decoder then reports the error).
 */
function labelRunEnd(bytes: Uint8Array, pos: number, limit: number): number {
  while (pos < limit && bytes[pos] === 0x0a) {
    pos++;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= limit || shift > 28) return -1;
      const b = bytes[pos++]!;
      length += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    pos += length;
    if (pos > limit) return -1;
  }
  return pos;
}

/**
 * Samples are decoded straight into two float64 columns (times, values) that many requests share, a
 * slab of SLAB_SAMPLES at a time: each series is a ColumnSeries over its range of them, so there is
 * no object per sample and no buffer per request. A slab lives as long as any series in it.
 * `entryStart` is where the samples of the entry being decoded begin.
 */
const SLAB_SAMPLES = 1 << 16;
const columns = { times: new Float64Array(SLAB_SAMPLES), values: new Float64Array(SLAB_SAMPLES), n: 0, entryStart: 0 };

function pushSample(t: number, v: number): void {
  if (columns.n > columns.entryStart) {
    const last = columns.times[columns.n - 1]!;
    if (t <= last) throw new MalformedPayloadError(`sample timestamps must ascend (${t} after ${last})`);
  }
  if (columns.n === columns.times.length) {
    // A new slab; the entry being decoded moves to its start (earlier series keep the old slab).
    const entry = columns.n - columns.entryStart;
    const size = Math.max(SLAB_SAMPLES, entry * 2);
    const times = new Float64Array(size);
    const values = new Float64Array(size);
    times.set(columns.times.subarray(columns.entryStart, columns.n));
    values.set(columns.values.subarray(columns.entryStart, columns.n));
    columns.times = times;
    columns.values = values;
    columns.entryStart = 0;
    columns.n = entry;
  }
  columns.times[columns.n] = t;
  columns.values[columns.n] = v;
  columns.n++;
}

/** One TimeSeries entry, its samples decoded into `columns`. */
function decodeTimeSeries(r: ProtobufReader, tag: number, state: SeriesState, bytes: Uint8Array): SeriesSamples {
  const outer = r.enter(tag);
  const bodyStart = r.pos;
  // Senders write the labels first: a label run seen before skips label decoding.
  const runEnd = labelRunEnd(bytes, bodyStart, r.limit);
  const hash = runEnd > bodyStart ? hashBytes(bytes, bodyStart, runEnd) : 0;
  const cached = runEnd > bodyStart ? labelCache.get(bytes, bodyStart, runEnd, hash) : undefined;
  columns.entryStart = columns.n;
  if (cached) {
    r.pos = runEnd;
    const histograms = decodeSeriesBody(r);
    if (histograms >= 0) {
      r.leave(outer);
      return finishSeries(cached.labels, cached.handle, histograms, state);
    }
    // Labels after samples: decode the whole entry the general way.
    r.pos = bodyStart;
    columns.n = columns.entryStart;
  }
  const labels: Record<string, string> = {};
  // The labels arrive sorted by name, so this is labelsKey(labels) built as they are read.
  let key = '';
  let previousName: string | undefined;
  let labelsEnd = -1;
  let histograms = 0;
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1: {
        const { name, value } = decodeLabel(r, t);
        if (!isLabelName(name)) throw new MalformedPayloadError(`invalid label name ${JSON.stringify(name)}`);
        if (previousName !== undefined && name <= previousName) {
          throw new MalformedPayloadError(
            name === previousName ? `duplicate label name ${JSON.stringify(name)}` : `labels not sorted by name (${JSON.stringify(name)} after ${JSON.stringify(previousName)})`,
          );
        }
        previousName = name;
        if (value !== '') {
          setLabel(labels, name, value);
          key += `${name}\u0000${value.length}\u0000${value}`;
        }
        labelsEnd = r.pos;
        break;
      }
      default:
        if (decodeSeriesField(r, t)) histograms++;
    }
  }
  r.leave(outer);
  // Labels may arrive after samples on the wire; validate the set once it is complete.
  if (labels.__name__ === undefined) throw new MalformedPayloadError('series has no __name__ label');
  // Cached only when the labels were the leading run (what the fast path looks up).
  const handle = labelCache.handle(key);
  if (!cached && runEnd > bodyStart && labelsEnd === runEnd) labelCache.add(bytes, bodyStart, runEnd, hash, labels as Labels, handle);
  return finishSeries(labels as Labels, handle, histograms, state);
}

/**
 * The fields after the labels, their samples into `columns`: the native histograms skipped, or -1
 * when a label turns up there (the caller starts over).
 */
function decodeSeriesBody(r: ProtobufReader): number {
  let histograms = 0;
  while (r.hasMore()) {
    const t = r.readTag();
    if (t >>> 3 === 1) return -1;
    if (decodeSeriesField(r, t)) histograms++;
  }
  return histograms;
}

/** One non-label field of a TimeSeries (a sample goes into `columns`); true for a native histogram (skipped, counted). */
function decodeSeriesField(r: ProtobufReader, t: number): boolean {
  switch (t >>> 3) {
    case 2:
      decodeSample(r, t);
      return false;
    case 3:
      try {
        skipExemplar(r, t);
      } catch (error) {
        rethrowWithin(error, 'exemplars');
      }
      return false;
    case 4:
      r.skip(t);
      return true;
    default:
      r.skip(t);
      return false;
  }
}

function finishSeries(labels: Labels, handle: LabelSetHandle, histograms: number, state: SeriesState): SeriesSamples {
  if (histograms > 0) {
    state.rejected += histograms;
    state.rejectionMessage ||= `native histograms are not supported (series ${labels.__name__} sent ${histograms})`;
  }
  state.handle = handle;
  return new ColumnSeries(labels, columns.times, columns.values, columns.entryStart, columns.n - columns.entryStart);
}

// Label { string name = 1; string value = 2; }
function decodeLabel(r: ProtobufReader, tag: number): { name: string; value: string } {
  const outer = r.enter(tag);
  let name = '';
  let value = '';
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        name = r.repeatedString(t);
        break;
      case 2:
        value = r.repeatedString(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return { name, value };
}

// Sample { double value = 1; int64 timestamp = 2; } (appended to `columns`)
function decodeSample(r: ProtobufReader, tag: number): void {
  const outer = r.enter(tag);
  let v = 0;
  let t = 0;
  while (r.hasMore()) {
    const f = r.readTag();
    switch (f >>> 3) {
      case 1:
        v = r.double(f);
        break;
      case 2: {
        const ts = r.int64(f);
        if (typeof ts !== 'number') throw new MalformedPayloadError(`sample timestamp ${ts} ms is out of range`);
        t = ts;
        break;
      }
      default:
        r.skip(f);
    }
  }
  r.leave(outer);
  pushSample(t, v);
}

// Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
function skipExemplar(r: ProtobufReader, tag: number): void {
  const outer = r.enter(tag);
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        decodeLabel(r, t);
        break;
      case 2:
        r.double(t);
        break;
      case 3:
        r.int64(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
}

// MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
function decodeMetadata(r: ProtobufReader, tag: number): MetricMetadata {
  const outer = r.enter(tag);
  const entry: MetricMetadata = { metric: '', type: 'unknown', help: '', unit: '' };
  while (r.hasMore()) {
    const t = r.readTag();
    switch (t >>> 3) {
      case 1:
        entry.type = METRIC_TYPES[r.int32(t)] ?? 'unknown';
        break;
      case 2:
        entry.metric = r.repeatedString(t);
        break;
      case 4:
        entry.help = r.string(t);
        break;
      case 5:
        entry.unit = r.repeatedString(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.leave(outer);
  return entry;
}

/** `[a-zA-Z_][a-zA-Z0-9_]*`, the label-name grammar of remote_write 1.0. */
function isLabelName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (i > 0 && c >= 0x30 && c <= 0x39);
    if (!ok) return false;
  }
  return true;
}

/** `__proto__` is a legal label name and must become an own property. */
function setLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  else labels[name] = value;
}
