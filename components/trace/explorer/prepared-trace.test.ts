import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelFromDrawing } from '@/tests/support/trace-drawing';
import { buildSpanTree } from '@/lib/domain/span-tree';
import { filterRows, indexCriticalPath } from './prepared-trace';

test('a search filter keeps the matches and the way down to them', () => {
  const model = modelFromDrawing(`
    root     |================|
    root>a    |=====|
    a>hit      |==|
    root>b           |====|
  `);
  const tree = buildSpanTree(model);
  const matches = new Uint8Array([0, 0, 1, 0]);
  assert.deepEqual([...filterRows(tree.order, tree, matches)].map((n) => model.spanIds[n]), ['root', 'a', 'hit']);
  const { sectionsOf } = indexCriticalPath(tree);
  assert.deepEqual(sectionsOf.get(3), [[8, 13]]);
});
