// Flame graph layout cases, drawn first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutFlameGraph } from './flame-graph';
import { foldByPath } from './span-paths';
import { buildSpanTree } from './span-tree';
import { modelFromDrawing } from '@/tests/support/trace-drawing';

function layout(drawing: string, focus?: number) {
  const model = modelFromDrawing(drawing);
  const paths = foldByPath(model, buildSpanTree(model));
  return layoutFlameGraph(paths, focus).rects.map((r) => `${r.depth} ${r.operation} x=${r.x.toFixed(2)} w=${r.width.toFixed(2)} self=${r.selfNs}`);
}

test('children sit under their parent as wide as their time; repeated calls fold', () => {
  assert.deepEqual(
    layout(`
    root      |====================|
    root>q        |====|
    root>q#2             |====|
    root>cache                 |=|
  `),
    // root 21 ns: q 2×5 = 10 (10/21 of the width), cache 2, root's own 9
    ['0 root x=0.00 w=1.00 self=9', '1 q x=0.00 w=0.48 self=10', '1 cache x=0.48 w=0.10 self=2'],
  );
});

test('fan-out wider than the parent is scaled to fit under it', () => {
  assert.deepEqual(
    layout(`
    root      |==========|
    root>a     |========|
    root>b     |========|
  `),
    ['0 root x=0.00 w=1.00 self=0', '1 a x=0.00 w=0.50 self=9', '1 b x=0.50 w=0.50 self=9'],
  );
});

test('focusing a node lays out its subtree across the full width', () => {
  const rects = layout(
    `
    root      |====================|
    root>a     |==========|
    a>a1        |====|
  `,
    1,
  );
  assert.deepEqual(rects, ['0 a x=0.00 w=1.00 self=6', '1 a1 x=0.00 w=0.45 self=5']);
});
