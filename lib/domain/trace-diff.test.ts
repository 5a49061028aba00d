// Two-trace diff cases: trace A drawn above trace B, same operation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldByPath } from './span-paths';
import { buildSpanTree } from './span-tree';
import { diffTraces } from './trace-diff';
import { modelFromDrawing } from '@/tests/support/trace-drawing';

function fold(drawing: string) {
  const model = modelFromDrawing(drawing);
  return foldByPath(model, buildSpanTree(model));
}

function summary(a: string, b: string) {
  return diffTraces(fold(a), fold(b), { minRatio: 0.1, minDeltaNs: 2 }).rows.map(
    (row) => `${'  '.repeat(row.depth)}${row.operation} ${row.change}${row.countChanged ? ` ×${row.a!.count}→×${row.b!.count}` : ''}`,
  );
}

test('a call that appears only in B is added, one only in A removed', () => {
  const a = `
    checkout          |==================|
    checkout>reserve    |=====|
    checkout>charge            |=====|
  `;
  const b = `
    checkout          |==================|
    checkout>reserve    |=====|
    checkout>fraud             |==|
    checkout>charge                |=====|
  `;
  // charge is moved later in B but lasts the same: same
  assert.deepEqual(summary(a, b), ['checkout same', '  reserve same', '  charge same', '  fraud added']);
  assert.deepEqual(summary(b, a), ['checkout same', '  reserve same', '  fraud removed', '  charge same']);
});

test('a span that got slower or faster beyond both thresholds is marked', () => {
  const a = `
    checkout          |==================|
    checkout>reserve    |=====|
    checkout>charge            |=====|
    charge>db                   |==|
  `;
  const b = `
    checkout          |===============================|
    checkout>reserve    |==|
    checkout>charge            |=================|
    charge>db                   |==|
  `;
  assert.deepEqual(summary(a, b), ['checkout slower', '  reserve faster', '  charge slower', '    db same']);
});

test('repeated calls fold into one row whose count change is reported', () => {
  const a = `
    job        |==============|
    job>q1       |=|
  `;
  const b = `
    job        |==============|
    job>q1       |=|
    job>q1#2        |=|
    job>q1#3           |=|
  `;
  assert.deepEqual(summary(a, b), ['job same', '  q1 same ×1→×3']);
});

test('diff counts each kind of change', () => {
  const a = `
    root      |==========|
    root>x      |==|
  `;
  const b = `
    root      |==========|
    root>y      |==|
  `;
  const { counts } = diffTraces(fold(a), fold(b));
  assert.deepEqual(counts, { added: 1, removed: 1, slower: 0, faster: 0, same: 1 });
});
