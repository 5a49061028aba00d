import assert from 'node:assert/strict';
import { test } from 'node:test';
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
