// The trace signal: what the generic pipeline (collector/pipeline/) needs to know about spans.
// Decoded TraceBatch → SpanRows (COPY text + dictionary rows, store/span-rows.ts) → SpanStore, with
// the service graph as an observer. The wire side (OTLP decoders and responses) is in
// receivers/otlp/otlp-signals.ts.
import type { Attributes, TraceBatch } from '../../lib/domain/model';
import type { BatchObserver, RowsCodec, SignalDefinition } from '../pipeline/signal';
import { copyBytesFromBinary, copyBytesToBinary } from '../store/copy-text';
import type { PartitionedTable } from '../store/partition-plan';
import type { PartitionManager } from '../store/partitions';
import { encodeSpanRows, mergeSpanRows, splitSpanRows, type SpanRows } from '../store/span-rows';
import { SpanStore } from '../store/span-store';
import type { SqlExecutor } from '../store/sql-executor';

export const SPANS_TABLE: PartitionedTable = { name: 'spans', column: 'start_ns' };

// bigint fields are written as decimal strings; JSON has no 64-bit integers. The shape of the
// spool files written before the generic pipeline, so those still replay.
interface SpooledSpanRows {
  copyText: string;
  spanCount: number;
  days: number[];
  resources: Array<{ id: string; serviceName: string; attributes: Attributes; droppedAttributesCount: number; schemaUrl: string }>;
  scopes: Array<{ id: string; name: string; version: string; attributes: Attributes }>;
  operations: Array<{ key: string; serviceName: string; spanName: string; spanKind: number; lastSeenNs: string }>;
}

export const spanRowsCodec: RowsCodec<SpanRows> = {
  count: (rows) => rows.spanCount,
  bytes: (rows) => rows.copyText.length,
  merge: mergeSpanRows,
  split: splitSpanRows,
  describe: (rows) => rows.copyText.slice(0, 500),
  toJson: spanRowsToJson,
  fromJson: spanRowsFromJson,
  // The write-ahead log's form: the COPY text as raw UTF-8, not a JSON string (copyTextToBinary).
  toBinary: (rows) => copyBytesToBinary({ ...spanRowsToJson({ ...rows, copyText: '' }), copyText: undefined }, Buffer.from(rows.copyText)),
  fromBinary: (bytes) => {
    const { header, copyBytes } = copyBytesFromBinary(bytes);
    return spanRowsFromJson({ ...(header as Omit<SpooledSpanRows, 'copyText'>), copyText: copyBytes.toString() });
  },
};

function spanRowsToJson(rows: SpanRows): SpooledSpanRows {
  return {
    copyText: rows.copyText,
    spanCount: rows.spanCount,
    days: [...rows.days],
    resources: [...rows.resources.values()].map((r) => ({ ...r, id: r.id.toString() })),
    scopes: [...rows.scopes.values()].map((s) => ({ ...s, id: s.id.toString() })),
    operations: [...rows.operations].map(([key, o]) => ({ ...o, key, lastSeenNs: o.lastSeenNs.toString() })),
  };
}

function spanRowsFromJson(value: unknown): SpanRows {
  const s = value as SpooledSpanRows;
  return {
      copyText: s.copyText,
      spanCount: s.spanCount,
      days: new Set(s.days),
      resources: new Map(s.resources.map((r) => [BigInt(r.id), { ...r, id: BigInt(r.id) }])),
      scopes: new Map(s.scopes.map((r) => [BigInt(r.id), { ...r, id: BigInt(r.id) }])),
    operations: new Map(s.operations.map(({ key, ...o }) => [key, { ...o, lastSeenNs: BigInt(o.lastSeenNs) }])),
  };
}

export interface TraceSignalOptions {
  db: SqlExecutor;
  partitions: PartitionManager;
  maxQueuedSpans: number;
  /** The service graph, when enabled. */
  observers?: BatchObserver<TraceBatch>[];
}

export function traceSignal(options: TraceSignalOptions): SignalDefinition<TraceBatch, SpanRows> {
  return {
    name: 'traces',
    unit: 'spans',
    outcome: (batch) => ({ accepted: batch.spanCount, rejected: batch.rejectedSpans, errorMessage: batch.rejectionMessage }),
    encode: encodeSpanRows,
    rows: spanRowsCodec,
    store: new SpanStore(options.db, options.partitions),
    observers: options.observers,
    maxQueuedItems: options.maxQueuedSpans,
  };
}
