// Critical path cases, drawn first as Jaeger UI's CriticalPath/testCases are. `*` under a line
// marks the columns that are on the path for that span.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCriticalPath } from './critical-path';
import { buildSpanTree } from './span-tree';
import { modelFromDrawing } from '@/tests/support/trace-drawing';

function path(drawing: string): string[] {
  const model = modelFromDrawing(drawing);
  const tree = buildSpanTree(model);
  return computeCriticalPath(tree).sections.map((s) => `${model.spanIds[s.node]} ${s.start}-${s.end}`);
}

test('sequential children: the path runs through each, the parent fills the gaps', () => {
  assert.deepEqual(
    path(`
    root    |====================|
    root>a    |=====|
    root>b            |======|
  `),
    // walk order: from the end of root backwards
    ['root 17-21', 'b 10-17', 'root 8-10', 'a 2-8', 'root 0-2'],
  );
});

test('parallel children: the one finishing last wins, the shorter one is off the path', () => {
  assert.deepEqual(
    path(`
    root    |====================|
    root>slow  |==============|
    root>fast  |=====|
  `),
    ['root 18-21', 'slow 3-18', 'root 0-3'],
  );
});

test('descends through nested spans and returns at their start', () => {
  assert.deepEqual(
    path(`
    root    |====================|
    root>a   |==============|
    a>a1        |====|
    a>a2              |===|
  `),
    ['root 16-21', 'a 14-16', 'a2 10-14', 'a 9-10', 'a1 4-9', 'a 1-4', 'root 0-1'],
  );
});

test('a child that overlaps the next one: the walk resumes from the later child start', () => {
  // first ends after second starts: from second's start, first (ending at 12 > 10) is not before it
  assert.deepEqual(
    path(`
    root    |====================|
    root>first |========|
    root>second       |=======|
  `),
    ['root 18-21', 'second 10-18', 'root 0-10'],
  );
});

test('a child overflowing its parent (clock skew) is clipped to it', () => {
  assert.deepEqual(
    path(`
    root    |==========|
    root>late       |=======|
  `),
    ['late 8-11', 'root 0-8'],
  );
});

test('a child entirely outside its parent is left off the path', () => {
  assert.deepEqual(
    path(`
    root    |=====|
    root>after       |===|
  `),
    ['root 0-6'],
  );
});

test('the path marks every span it crosses and the time spent in each', () => {
  const model = modelFromDrawing(`
    root    |==========|
    root>a    |====|
    root>b     |=|
  `);
  const tree = buildSpanTree(model);
  const { onPath, timeOnPath } = computeCriticalPath(tree);
  assert.deepEqual([...onPath], [1, 1, 0]);
  assert.deepEqual([...timeOnPath], [6, 5, 0]);
});
