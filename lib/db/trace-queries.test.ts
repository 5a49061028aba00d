// The pure part of loadTraces: merging the concurrently read shares back into start order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeByStart } from './trace-queries';

const s = (startNs: bigint, spanId: string) => ({ startNs, spanId });

test('mergeByStart interleaves sorted shares by start, then span id', () => {
  const merged = mergeByStart([
    [s(1n, 'b'), s(5n, 'a'), s(9n, 'z')],
    [s(1n, 'a'), s(5n, 'c'), s(7n, 'x')],
    [],
  ]);
  assert.deepEqual(
    merged.map((x) => `${x.startNs}:${x.spanId}`),
    ['1:a', '1:b', '5:a', '5:c', '7:x', '9:z'],
  );
  const only = [s(2n, 'q')];
  assert.equal(mergeByStart([only]), only);
  assert.deepEqual(mergeByStart([[], []]), []);
});
