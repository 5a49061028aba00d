// Self-time cases, drawn first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpanTree } from './span-tree';
import { modelFromDrawing } from '@/tests/support/trace-drawing';
import { computeTraceStats } from './trace-stats';

test('self time subtracts the union of children, so parallel children count once', () => {
  const model = modelFromDrawing(`
    root@web          |====================|
    root>db1@db         |======|
    root>db2@db            |======|
    root>cache@cache                |==|
  `);
  const stats = computeTraceStats(model, buildSpanTree(model));
  // root (0-21) is covered 2-12 and 16-19: 13 ns of 21, so 8 are its own
  assert.deepEqual([...stats.selfTime], [8, 7, 7, 3]);
  assert.deepEqual(
    stats.byService.map((s) => [s.service, s.count, s.totalNs, s.selfNs]),
    [
      ['db', 2, 14, 14],
      ['web', 1, 21, 8],
      ['cache', 1, 3, 3],
    ],
  );
  assert.equal(stats.totalSelfNs, 25);
});

test('per operation rows count errors and keep the longest span', () => {
  const model = modelFromDrawing(`
    root@web        |==============|
    root>q1!@db      |==|
    root>q1#2@db         |======|
  `);
  const stats = computeTraceStats(model, buildSpanTree(model));
  const q1 = stats.byOperation.find((row) => row.operation === 'q1')!;
  assert.deepEqual([q1.count, q1.errorCount, q1.maxNs, q1.totalNs], [2, 1, 7, 10]);
});

test('a child sticking out of its parent (skew) only covers the part inside', () => {
  const model = modelFromDrawing(`
    root    |======|
    root>a       |=====|
  `);
  assert.deepEqual([...computeTraceStats(model, buildSpanTree(model)).selfTime], [5, 6]);
});
