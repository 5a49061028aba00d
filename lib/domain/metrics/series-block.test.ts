import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSeriesBlock, encodeSeriesBlock, scanSeriesBlock } from './series-block';

test('a series block round-trips its entries, ascending by id', () => {
  const entries = [
    { id: 9_000_000_001, firstSeenMs: 1_700_000_000_000, lastSeenMs: 1_700_003_600_000, pairs: [3, 70_000, 70_001] },
    { id: 5, firstSeenMs: -5000, lastSeenMs: -5000, pairs: [] },
    { id: 6, firstSeenMs: 1_700_000_000_000, lastSeenMs: 1_700_000_015_000, pairs: [1] },
  ];
  const block = encodeSeriesBlock(entries);
  const byId = [...entries].sort((a, b) => a.id - b.id);
  assert.deepEqual(decodeSeriesBlock(block), byId);
  const scanned: number[][] = [];
  scanSeriesBlock(block, (e) => scanned.push([e.id, ...e.pairs]));
  assert.deepEqual(scanned, byId.map((e) => [e.id, ...e.pairs]));
  assert.deepEqual(decodeSeriesBlock(encodeSeriesBlock([])), []);
  assert.throws(() => decodeSeriesBlock(block.subarray(0, block.length - 2)), /past the end/);
  assert.throws(() => decodeSeriesBlock(new Uint8Array([7])), /version/);
});

test('the byte layout (migration 20261129170000 writes the same bytes in SQL)', () => {
  const block = encodeSeriesBlock([{ id: 300, firstSeenMs: 1000, lastSeenMs: 1200, pairs: [2, 130] }]);
  assert.equal(
    Buffer.from(block).toString('hex'),
    // version 1, 1 entry, base 1000 (zigzag 2000 = d0 0f), id 300 (ac 02), first +0, last +200 (c8 01), 2 pairs: 2, +128 (80 01)
    ['01', '01', 'd00f', 'ac02', '00', 'c801', '02', '02', '8001'].join(''),
  );
});
