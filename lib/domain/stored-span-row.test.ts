// Stored rows are read in concurrent shares and merged back into start order without BigInt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Head, compareByStart, compareDecimal, mergeSorted, type StoredSpanRow } from './stored-span-row';

function row(startNs: string, spanId: string): StoredSpanRow {
  const head: string[] = [];
  head[Head.startNs] = startNs;
  head[Head.spanId] = spanId;
  return { head, name: '', statusMessage: null, traceState: null, serviceName: '', attributes: '{}', events: null, links: null };
}
const label = (r: StoredSpanRow) => `${r.head[Head.startNs]}:${r.head[Head.spanId]}`;

test('compareDecimal orders decimal text by value, negative numbers included', () => {
  const values = ['1700000000000000001', '99', '-5', '1700000000000000000', '0', '-40', '100'];
  const sorted = [...values].sort(compareDecimal);
  assert.deepEqual(sorted, ['-40', '-5', '0', '99', '100', '1700000000000000000', '1700000000000000001']);
  assert.deepEqual(sorted, [...values].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
});

test('mergeSorted interleaves sorted shares by start, then span id', () => {
  const merged = mergeSorted(
    [
      [row('1', 'b'), row('5', 'a'), row('19', 'z')],
      [row('1', 'a'), row('5', 'c'), row('7', 'x')],
      [],
    ],
    compareByStart,
  );
  assert.deepEqual(merged.map(label), ['1:a', '1:b', '5:a', '5:c', '7:x', '19:z']);
  const only = [row('2', 'q')];
  assert.equal(mergeSorted([only], compareByStart), only);
  assert.deepEqual(mergeSorted([[], []], compareByStart), []);
});

