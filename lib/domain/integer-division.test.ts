import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ceilDiv, floorDiv } from './integer-division';

test('floor and ceiling of bigint division, negative numbers included', () => {
  assert.deepEqual([7n, 6n, 0n, -1n, -6n, -7n].map((a) => floorDiv(a, 3n)), [2n, 2n, 0n, -1n, -2n, -3n]);
  assert.deepEqual([7n, 6n, 0n, -1n, -6n, -7n].map((a) => ceilDiv(a, 3n)), [3n, 2n, 0n, 0n, -2n, -2n]);
});
