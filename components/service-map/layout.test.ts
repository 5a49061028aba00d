import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODE_HEIGHT, NODE_WIDTH, elkLayout, stabilizePositions, type Positions } from './layout';

const EDGES = [
  { source: 'user', target: 'frontend' },
  { source: 'frontend', target: 'checkout' },
  { source: 'checkout', target: 'db' },
  { source: 'frontend', target: 'search' },
];

function assertNoOverlap(positions: Positions): void {
  const list = [...positions.entries()];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [a, p] = list[i]!;
      const [b, q] = list[j]!;
      const apart = Math.abs(p.x - q.x) >= NODE_WIDTH || Math.abs(p.y - q.y) >= NODE_HEIGHT;
      assert.ok(apart, `${a} and ${b} overlap`);
    }
  }
}

test('ELK lays callers out left of callees, without overlaps', async () => {
  const positions = await elkLayout(['user', 'frontend', 'checkout', 'db', 'search'], EDGES);
  assert.ok(positions.get('user')!.x < positions.get('frontend')!.x);
  assert.ok(positions.get('frontend')!.x < positions.get('checkout')!.x);
  assert.ok(positions.get('checkout')!.x < positions.get('db')!.x);
  assertNoOverlap(positions);
  const again = await elkLayout(['user', 'frontend', 'checkout', 'db', 'search'], EDGES);
  assert.deepEqual(again, positions, 'the same graph gets the same layout');
});

test('adding a node keeps every node already on screen where it was', async () => {
  const before = await elkLayout(['user', 'frontend', 'checkout', 'db'], EDGES);
  // The user moved a node; that must stick too.
  before.set('db', { x: 900, y: 400 });
  const edges = [...EDGES, { source: 'checkout', target: 'payments' }];
  const fresh = await elkLayout(['user', 'frontend', 'checkout', 'db', 'search', 'payments'], edges);
  const after = stabilizePositions(before, fresh, edges);
  for (const [id, point] of before) assert.deepEqual(after.get(id), point, `${id} stayed`);
  assert.ok(after.has('search') && after.has('payments'));
  assert.ok(after.get('payments')!.x > after.get('checkout')!.x, 'a new callee lands right of its caller');
  assertNoOverlap(after);
});

test('new nodes are nudged off occupied spots; removed nodes go away', () => {
  const previous: Positions = new Map([
    ['a', { x: 0, y: 0 }],
    ['b', { x: 300, y: 0 }],
  ]);
  // The fresh layout puts the new node `c` exactly where `b` already sits (relative to `a`).
  const fresh: Positions = new Map([
    ['a', { x: 0, y: 0 }],
    ['c', { x: 300, y: 0 }],
  ]);
  const result = stabilizePositions(previous, fresh, [{ source: 'a', target: 'c' }]);
  assert.equal(result.has('b'), false);
  assert.deepEqual(result.get('a'), { x: 0, y: 0 });
  assert.deepEqual(result.get('c'), { x: 300, y: 0 }, 'b is gone, so its spot is free');
  const crowded = stabilizePositions(new Map([...previous]), new Map([...fresh, ['b', { x: 600, y: 0 }]]), [{ source: 'a', target: 'c' }]);
  assert.notDeepEqual(crowded.get('c'), { x: 300, y: 0 }, 'b is still there: c moves');
  assertNoOverlap(crowded);
});

test('with nothing kept, the fresh layout is used as is', () => {
  const fresh: Positions = new Map([['x', { x: 10, y: 20 }]]);
  assert.deepEqual(stabilizePositions(new Map(), fresh, []), fresh);
});
