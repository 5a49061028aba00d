import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinedBinary } from '../pipeline/signal';
import { ColumnSeries } from '../../lib/domain/metrics/column-series';
import type { MetricBatch } from '../../lib/domain/metrics/types';
import { floatBits, floatFromBits, metricRowsCodec } from './metric-signal';

const view = new DataView(new ArrayBuffer(8));
const bigIntHex = (v: number): string => {
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16);
};
const bitsOf = (v: number): bigint => {
  view.setFloat64(0, v);
  return view.getBigUint64(0);
};

test('sample bits in the write-ahead log: the same hex as BigInt printed (older logs replay), and back bit for bit', () => {
  view.setUint32(0, 0x7ff00000);
  view.setUint32(4, 2);
  const staleNaN = view.getFloat64(0);
  const values = [0, -0, 1, -1, NaN, staleNaN, Infinity, -Infinity, 5e-324, 1.5, 2 ** 53, Number.MAX_VALUE, 1e-310];
  let seed = 3;
  const random32 = () => (seed = (seed * 1664525 + 1013904223) >>> 0);
  for (let i = 0; i < 5000; i++) {
    view.setUint32(0, random32());
    view.setUint32(4, random32());
    values.push(view.getFloat64(0));
  }
  for (const v of values) {
    const hex = floatBits(v);
    assert.equal(hex, bigIntHex(v));
    assert.equal(bitsOf(floatFromBits(hex)), bitsOf(v));
  }
  const batch = { series: [{ labels: { __name__: 'x' }, samples: [{ t: 1, v: staleNaN }, { t: 2, v: -0 }] }], metadata: [], sampleCount: 2, rejectedSamples: 0, rejectionMessage: '' };
  const back = metricRowsCodec.fromJson(JSON.parse(JSON.stringify(metricRowsCodec.toJson(batch))));
  assert.deepEqual(back.series[0]!.samples.map((s) => bitsOf(s.v)), [bitsOf(staleNaN), bitsOf(-0)]);
});

test('the write-ahead log binary form: decoded batches as columns (bits exact), remote_write requests as their body', async () => {
  view.setUint32(0, 0x7ff00000);
  view.setUint32(4, 2);
  const staleNaN = view.getFloat64(0);
  const batch: MetricBatch = {
    series: [
      { labels: { __name__: 'x', job: 'j' }, samples: [{ t: 1, v: staleNaN }, { t: 2, v: -0 }, { t: 1_700_000_000_123, v: 1.5 }] },
      { labels: { __name__: 'y' }, samples: [] },
      { labels: { __name__: 'z', 'a\u00e9': '\u2603' }, samples: [{ t: 5, v: Infinity }] },
    ],
    metadata: [{ metric: 'x', type: 'counter', help: 'h', unit: '' }],
    sampleCount: 4,
    rejectedSamples: 0,
    rejectionMessage: '',
  };
  const back = metricRowsCodec.fromBinary!(joinedBinary(metricRowsCodec.toBinary!(batch)));
  assert.deepEqual(back.series.map((s) => s.labels), batch.series.map((s) => s.labels));
  assert.deepEqual(back.series.map((s) => s.samples.map((x) => [x.t, bitsOf(x.v)])), batch.series.map((s) => s.samples.map((x) => [x.t, bitsOf(x.v)])));
  assert.deepEqual(back.metadata, batch.metadata);
  assert.equal(back.sampleCount, 4);

  // A remote_write request goes through the route: its record is the body, replayed by decoding it.
  const { remoteWriteRoutes } = await import('./metric-signal');
  const { remoteWriteBody } = await import('../../tests/fixtures/prometheus/write-request-builder');
  const body = remoteWriteBody([{ labels: [['__name__', 'up'], ['job', 'j']], samples: [{ t: 10, v: staleNaN }] }]);
  let exported: MetricBatch | undefined;
  const [route] = remoteWriteRoutes(async (b) => {
    exported = b;
    return { rejected: 0, errorMessage: '' };
  });
  await route!.handle!({ body } as never);
  const binary = joinedBinary(metricRowsCodec.toBinary!(exported!));
  assert.equal(binary.length, body.length + 1);
  const replayed = metricRowsCodec.fromBinary!(binary);
  assert.deepEqual(replayed.series.map((s) => [s.labels, s.samples.map((x) => [x.t, bitsOf(x.v)])]), [[{ __name__: 'up', job: 'j' }, [[10, bitsOf(staleNaN)]]]]);
});

test('merged remote_write batches keep their series handles; latestSamples builds only the samples an observer reads', async () => {
  const { decodeRemoteWrite } = await import('../receivers/prometheus/decode-remote-write');
  const { remoteWriteBody } = await import('../../tests/fixtures/prometheus/write-request-builder');
  const { latestSamples } = await import('./metric-signal');
  const a = decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'circuit'], ['name', 'p']], samples: [{ t: 5, v: 1 }] }]));
  const b = decodeRemoteWrite(remoteWriteBody([{ labels: [['__name__', 'up'], ['job', 'j']], samples: [{ t: 9, v: 2 }] }]));
  const merged = metricRowsCodec.merge([a, b]);
  assert.deepEqual(merged.seriesHandles, [...a.seriesHandles!, ...b.seriesHandles!]);
  assert.ok(!Object.keys(merged).includes('seriesHandles'));
  const plain: MetricBatch = { series: [{ labels: { __name__: 'x' }, samples: [{ t: 1, v: 1 }] }], metadata: [], sampleCount: 1, rejectedSamples: 0, rejectionMessage: '' };
  assert.equal(metricRowsCodec.merge([a, plain]).seriesHandles, undefined);
  assert.deepEqual(latestSamples(merged, (name) => name === 'circuit'), { samples: [{ labels: { __name__: 'circuit', name: 'p' }, value: 1 }], t: 9 });
  assert.equal(latestSamples(merged).samples.length, 2);
  // None of it built a Sample object: the series are still the decoder's columns (the store reads them as such).
  assert.equal(merged.sampleCount, 2);
  assert.ok(merged.series.every((s) => s instanceof ColumnSeries && s.columnar));
  assert.deepEqual(merged.series.map((s) => s.samples), [[{ t: 5, v: 1 }], [{ t: 9, v: 2 }]]);
});
