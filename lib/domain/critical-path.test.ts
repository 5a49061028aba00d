// Critical path cases, drawn first as Jaeger UI's CriticalPath/testCases are. `*` under a line
// marks the columns that are on the path for that span.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCriticalPath } from './critical-path';
import { buildSpanTree } from './span-tree';
import { modelFromDrawing, modelFromSpans } from './trace-model';

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

/** The walk as first written: every step scans all children (quadratic on a wide fan-out). */
function referencePath(tree: ReturnType<typeof buildSpanTree>): string[] {
  const root = tree.roots[0]!;
  const start = new Float64Array(tree.nodeCount);
  const end = new Float64Array(tree.nodeCount);
  const inc = new Uint8Array(tree.nodeCount);
  inc[root] = 1;
  start[root] = tree.start[root]!;
  end[root] = tree.end[root]!;
  for (let pos = tree.position[root]! + 1; pos < tree.subtreeEnd[root]!; pos++) {
    const node = tree.order[pos]!;
    const p = tree.parent[node]!;
    if (!inc[p]) continue;
    const s = Math.max(tree.start[node]!, start[p]!);
    const e = Math.min(tree.end[node]!, end[p]!);
    if (tree.start[node]! >= end[p]! || tree.end[node]! <= start[p]! || e < s) continue;
    inc[node] = 1;
    start[node] = s;
    end[node] = e;
  }
  const last = (node: number, before: number | undefined) => {
    let best = -1;
    for (let c = tree.childStart[node]!; c < tree.childStart[node + 1]!; c++) {
      const child = tree.children[c]!;
      if (!inc[child]) continue;
      const e = end[child]!;
      if (before !== undefined && (e > before || (e === before && start[child]! === before))) continue;
      if (best < 0 || e > end[best]! || (e === end[best]! && start[child]! > start[best]!)) best = child;
    }
    return best;
  };
  const out: string[] = [];
  let node = root;
  let returning: number | undefined;
  for (let guard = 0; guard < tree.nodeCount * 4 + 8; guard++) {
    const sectionEnd = returning ?? end[node]!;
    const child = last(node, returning);
    if (child >= 0) {
      if (sectionEnd > end[child]!) out.push(`${node} ${end[child]}-${sectionEnd}`);
      node = child;
      returning = undefined;
      continue;
    }
    if (sectionEnd > start[node]!) out.push(`${node} ${start[node]}-${sectionEnd}`);
    if (node === root) break;
    returning = start[node]!;
    node = tree.parent[node]!;
  }
  return out;
}

test('the sorted-children walk finds exactly the path the all-children scan finds (seeded random trees with ties and zero-length spans)', () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let trial = 0; trial < 300; trial++) {
    const n = 2 + Math.floor(random() * 40);
    const spans = [{ id: 's0', start: 0, end: 20 + Math.floor(random() * 20) }];
    for (let i = 1; i < n; i++) {
      const s = Math.floor(random() * 40) - 2;
      spans.push({ id: `s${i}`, parent: `s${Math.floor(random() * i)}`, start: s, end: s + Math.floor(random() * 6) } as never);
    }
    const tree = buildSpanTree(modelFromSpans('f'.repeat(32), spans));
    const actual = computeCriticalPath(tree).sections.map((x) => `${x.node} ${x.start}-${x.end}`);
    assert.deepEqual(actual, referencePath(tree), `trial ${trial}`);
  }
});

test('a 20,000-span fan-out: one pass, not a scan of every child per step', () => {
  const spans = [{ id: 'r', start: 0, end: 200_010 }];
  for (let i = 1; i < 20_000; i++) spans.push({ id: `s${i}`, parent: 'r', start: i * 10, end: i * 10 + 5 } as never);
  const path = computeCriticalPath(buildSpanTree(modelFromSpans('f'.repeat(32), spans)));
  assert.equal(path.sections.filter((s) => s.node !== 0).length, 19_999, 'every child is on the path');
});
