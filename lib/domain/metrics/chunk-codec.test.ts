import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkFormatError, chunkSampleCount, decodeChunk, encodeChunk } from './chunk-codec';
import { isStaleNaN, staleNaN } from './types';

const view = new DataView(new ArrayBuffer(8));
function bitsOf(v: number): bigint {
  view.setFloat64(0, v);
  return view.getBigUint64(0);
}
function fromBits(bits: bigint): number {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

// Values live in a Float64Array: V8 quiets a signalling NaN (the staleness marker is one) stored in a
// plain number[] of doubles, while typed arrays and object fields keep its bits.
function roundTrip(times: ArrayLike<number>, valueList: ArrayLike<number>): void {
  const values = valueList instanceof Float64Array ? valueList : Float64Array.from(valueList);
  const decoded = decodeChunk(encodeChunk(times, values));
  assert.equal(decoded.length, times.length);
  decoded.forEach((s, i) => {
    assert.equal(s.t, times[i], `t[${i}]`);
    assert.equal(bitsOf(s.v), bitsOf(values[i]!), `bits of v[${i}] (${values[i]})`);
  });
}

// A seeded generator so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('chunk codec', () => {
  it('round-trips an empty chunk and a single sample', () => {
    roundTrip([], []);
    roundTrip([1_700_000_000_000], [42.5]);
    assert.equal(chunkSampleCount(encodeChunk([1, 2, 3], [1, 1, 1])), 3);
  });

  it('round-trips a regular scrape of a counter in about 1 byte per timestamp', () => {
    const times: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < 120; i++) {
      times.push(1_700_000_000_000 + i * 15_000);
      values.push(1000 + i * 3);
    }
    const bytes = encodeChunk(times, values);
    roundTrip(times, values);
    // 120 one-byte delta-of-deltas plus a few header bytes, and a few bytes per counter value.
    assert.ok(bytes.length < 120 * 4, `chunk is ${bytes.length} bytes`);
  });

  it('stores a constant gauge in about one bit per value', () => {
    const times = Array.from({ length: 120 }, (_, i) => 1_700_000_000_000 + i * 10_000);
    const values = times.map(() => 1);
    const bytes = encodeChunk(times, values);
    assert.ok(bytes.length < 120 + 40, `chunk is ${bytes.length} bytes`);
    roundTrip(times, values);
  });

  it('keeps the staleness marker, other NaNs, ±Inf, -0 and extremes bit for bit', () => {
    const quietNaN = fromBits(0x7ff8000000000001n);
    const negNaN = fromBits(0xfff8000000000000n);
    const list = [1, 0, 2, NaN, Infinity, -Infinity, -0, 0, quietNaN, Number.MAX_VALUE, Number.MIN_VALUE, negNaN, 0];
    const values = Float64Array.from(list);
    values[1] = staleNaN();
    values[12] = staleNaN();
    const times = values.map((_, i) => 1000 + i * 7 + (i % 3));
    roundTrip(times, values);
    const decoded = decodeChunk(encodeChunk(times, values));
    assert.ok(isStaleNaN(decoded[1]!.v));
    assert.ok(!isStaleNaN(decoded[3]!.v));
    assert.ok(isStaleNaN(decoded[12]!.v));
  });

  it('round-trips irregular and negative timestamps and random values (seeded)', () => {
    const next = rng(7);
    for (let round = 0; round < 200; round++) {
      const n = Math.floor(next() * 150);
      const times: number[] = [];
      const values: number[] = [];
      let t = Math.floor((next() - 0.5) * 2 ** 45);
      for (let i = 0; i < n; i++) {
        t += Math.floor(next() * (round % 2 ? 100_000_000 : 30));
        times.push(t);
        const kind = next();
        values.push(kind < 0.3 ? Math.round(next() * 100) : kind < 0.6 ? (next() - 0.5) * 1e300 : kind < 0.8 ? values[i - 1] ?? 0 : next());
      }
      roundTrip(times, values);
    }
  });

  it('rejects truncated or foreign bytes instead of inventing samples', () => {
    const bytes = encodeChunk([1, 2, 3, 4], [1.5, 2.25, 3.125, 99.9]);
    for (let cut = 0; cut < bytes.length - 1; cut++) {
      assert.throws(() => decodeChunk(bytes.subarray(0, cut)), ChunkFormatError, `cut at ${cut}`);
    }
    assert.throws(() => decodeChunk(new Uint8Array([9, 1, 1, 0])), ChunkFormatError);
  });
});

it('encoders reuse their scratch buffers: a long chunk, then short ones, then long again round-trip exactly', () => {
  let seed = 11;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const chunk = (n: number) => {
    const times = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 15_000 + Math.floor(random() * 7));
    const values = Array.from({ length: n }, () => (random() < 0.3 ? random() * 1e6 : Math.floor(random() * 100)));
    return { times, values };
  };
  for (const n of [500, 1, 3, 120, 2, 700, 1]) {
    const { times, values } = chunk(n);
    const back = decodeChunk(encodeChunk(times, values));
    assert.deepEqual(back.map((s) => s.t), times);
    assert.deepEqual(back.map((s) => s.v), values);
  }
});
