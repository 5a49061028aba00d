import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeChunk, encodeChunk } from './chunk-codec';
import { encodeHeadBlock, forEachHeadBlockEntry, HEAD_BLOCK_SERIES, headBlockGroup } from './head-block';

test('a head block holds each series of its group as a chunk; readers take only the series they want', () => {
  const group = 3;
  const base = group * HEAD_BLOCK_SERIES;
  const entries = [0, 1, 200, HEAD_BLOCK_SERIES - 1].map((offset) => ({
    seriesId: base + offset,
    chunk: encodeChunk([1000 + offset, 2000 + offset], [offset, NaN]),
  }));
  assert.deepEqual(entries.map((e) => headBlockGroup(e.seriesId)), [3, 3, 3, 3]);
  const block = encodeHeadBlock(group, entries);
  const seen: Array<[number, number[]]> = [];
  forEachHeadBlockEntry(group, block, (id) => id !== base + 1, (id, chunk) => seen.push([id, decodeChunk(chunk).map((s) => s.t)]));
  assert.deepEqual(seen, [
    [base, [1000, 2000]],
    [base + 200, [1200, 2200]],
    [base + HEAD_BLOCK_SERIES - 1, [1000 + HEAD_BLOCK_SERIES - 1, 2000 + HEAD_BLOCK_SERIES - 1]],
  ]);
  assert.throws(() => forEachHeadBlockEntry(group, block.subarray(0, block.length - 3), () => true, () => {}), /runs past the end/);
  assert.throws(() => forEachHeadBlockEntry(group, new Uint8Array([9]), () => true, () => {}), /version/);
});
