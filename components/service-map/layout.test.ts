import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NODE_HEIGHT, NODE_WIDTH, elkLayout, placeNewNodes, type Positions } from './layout';

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

test('adding nodes keeps every node already on screen where it was', async () => {
  const before = await elkLayout(['user', 'frontend', 'checkout', 'db'], EDGES);
  // The user moved a node; that must stick too.
  before.set('db', { x: 900, y: 400 });
  const edges = [...EDGES, { source: 'checkout', target: 'payments' }, { source: 'cron', target: 'checkout' }, { source: 'lonely', target: 'island' }];
  const after = placeNewNodes(before, ['user', 'frontend', 'checkout', 'db', 'search', 'payments', 'cron', 'lonely', 'island'], edges);
  for (const [id, point] of before) assert.deepEqual(after.get(id), point, `${id} stayed`);
  assert.ok(after.get('payments')!.x > after.get('checkout')!.x, 'a new callee lands right of its caller');
  assert.ok(after.get('search')!.x > after.get('frontend')!.x);
  assert.ok(after.get('cron')!.x < after.get('checkout')!.x, 'a new caller lands left of its callee');
  assert.ok(after.get('island')!.x > after.get('lonely')!.x, 'a new group starts its own column and grows from there');
  assertNoOverlap(after);
});

test('removed nodes go; a new node takes the nearest free row', () => {
  const previous: Positions = new Map([
    ['a', { x: 0, y: 0 }],
    ['b', { x: 340, y: 0 }],
    ['gone', { x: 0, y: 300 }],
  ]);
  const result = placeNewNodes(previous, ['a', 'b', 'c'], [{ source: 'a', target: 'c' }]);
  assert.equal(result.has('gone'), false);
  assert.deepEqual(result.get('b'), { x: 340, y: 0 });
  assert.equal(result.get('c')!.x, 340, 'one layer right of its caller');
  assert.notEqual(result.get('c')!.y, 0, 'b sits there: c moves a row');
  assertNoOverlap(result);
  assert.deepEqual(placeNewNodes(new Map(), ['x'], []), new Map([['x', { x: 0, y: 0 }]]));
});
