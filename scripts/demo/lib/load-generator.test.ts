import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRequest } from './load-generator';

/** A `random` that replays the given values. */
const replay = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

test('the first requests are checkouts: there are no orders to look up yet', () => {
  const request = planRequest(replay(0.1, 0, 0.5, 0), []);
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/api/checkout');
  assert.deepEqual(request.body, { sku: 'lamp-aurora', quantity: 2, customerId: 'customer-1' });
});

test('once orders exist, some requests look one up', () => {
  assert.deepEqual(planRequest(replay(0.1, 0.99), ['a', 'b']), { method: 'GET', path: '/api/orders/b' });
});

test('some requests browse the catalog, a few for a product that no longer exists', () => {
  assert.deepEqual(planRequest(replay(0.35, 0.5, 0), ['a']), { method: 'GET', path: '/api/catalog/lamp-aurora' });
  assert.deepEqual(planRequest(replay(0.35, 0.01), ['a']), { method: 'GET', path: '/api/catalog/sku-discontinued' });
});

test('most requests are checkouts', () => {
  let seed = 42;
  const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const paths = Array.from({ length: 1000 }, () => planRequest(lcg, ['x']).path);
  const checkouts = paths.filter((p) => p === '/api/checkout').length;
  assert.ok(checkouts > 520 && checkouts < 680, `checkouts: ${checkouts}`);
});
