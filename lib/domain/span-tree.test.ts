// Span tree cases, each drawn first (time runs left to right, one column a nanosecond).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestors, buildSpanTree, collapseBelowDepth, visibleRows, type SpanTree } from './span-tree';
import { modelFromDrawing, modelFromSpans } from '@/tests/support/trace-drawing';
import type { TraceModel } from './trace-model';

function outline(model: TraceModel, tree: SpanTree, rows: ArrayLike<number> = tree.order): string[] {
  return Array.from(rows, (node) => {
    const label = node < tree.spanCount ? model.spanIds[node]! : `[missing ${tree.placeholderIds[node - tree.spanCount]}]`;
    const flags = node < tree.spanCount && tree.skew[node] ? ' (skew)' : '';
    return `${'  '.repeat(tree.depth[node]!)}${label}${flags}`;
  });
}

test('children follow their parent by start time, in pre-order', () => {
  const model = modelFromDrawing(`
    root      |=============================|
    root>a                   |=======|
    a>a1                       |==|
    root>b      |=========|
    b>b1          |===|
  `);
  const tree = buildSpanTree(model);
  assert.deepEqual(outline(model, tree), ['root', '  b', '    b1', '  a', '    a1']);
  assert.equal(tree.maxDepth, 2);
  assert.equal(tree.orphanCount, 0);
  assert.equal(tree.skewCount, 0);
});

test('spans whose parent never arrived hang under one placeholder per missing parent', () => {
  const model = modelFromDrawing(`
    root         |==========|
    gone>x                       |====|
    gone>y                         |==|
    lost>z                     |=|
    x>x1                          |=|
  `);
  const tree = buildSpanTree(model);
  assert.deepEqual(outline(model, tree), ['root', '[missing lost]', '  z', '[missing gone]', '  x', '    x1', '  y']);
  assert.equal(tree.orphanCount, 3);
  assert.deepEqual([...tree.orphan], [0, 1, 1, 1, 0]);
  const gone = tree.spanCount + tree.placeholderIds.indexOf('gone');
  assert.deepEqual([tree.start[gone], tree.end[gone]], [model.start[1], model.end[2]]);
});

test('a child outside its parent (clock skew) is flagged and kept in place', () => {
  const model = modelFromDrawing(`
    root          |==========|
    root>early  |====|
    root>late                |===|
    root>inside     |==|
  `);
  const tree = buildSpanTree(model);
  assert.deepEqual(outline(model, tree), ['root', '  early (skew)', '  inside', '  late (skew)']);
  assert.equal(tree.skewCount, 2);
});

test('collapsing a node hides its subtree; the rows skip it whole', () => {
  const model = modelFromDrawing(`
    root      |=====================|
    root>a     |========|
    a>a1        |==|
    a>a2             |==|
    root>b                |=====|
    b>b1                   |=|
  `);
  const tree = buildSpanTree(model);
  const a = model.spanIds.indexOf('a');
  assert.deepEqual(outline(model, tree, visibleRows(tree, new Set([a]))), ['root', '  a', '  b', '    b1']);
  assert.deepEqual(outline(model, tree, visibleRows(tree, collapseBelowDepth(tree, 1))), ['root', '  a', '  b']);
  assert.deepEqual(ancestors(tree, model.spanIds.indexOf('b1')).map((n) => model.spanIds[n]), ['b', 'root']);
});

test('a parent cycle neither hangs nor hides its spans; a self-parent is a root', () => {
  const model = modelFromSpans('t', [
    { id: 'p', parent: 'q', start: 0, end: 5 },
    { id: 'q', parent: 'p', start: 1, end: 4 },
    { id: 'self', parent: 'self', start: 2, end: 3 },
  ]);
  const tree = buildSpanTree(model);
  assert.deepEqual([...tree.order].map((n) => model.spanIds[n]).sort(), ['p', 'q', 'self']);
  assert.equal(tree.nodeCount, 3);
});

test('a repeated span id (exporter retry) is kept once', () => {
  const model = modelFromSpans('t', [
    { id: 'root', start: 0, end: 9 },
    { id: 'c', parent: 'root', start: 1, end: 2 },
    { id: 'c', parent: 'root', start: 1, end: 2 },
  ]);
  assert.equal(model.duplicateCount, 1);
  assert.deepEqual(outline(model, buildSpanTree(model)), ['root', '  c']);
});

test('a 10,000-deep chain does not overflow the stack', () => {
  const chain = Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, parent: i === 0 ? '' : `s${i - 1}`, start: i, end: 20_000 - i }));
  const tree = buildSpanTree(modelFromSpans('t', chain));
  assert.equal(tree.order.length, 10_000);
  assert.equal(tree.maxDepth, 9_999);
});
