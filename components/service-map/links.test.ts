import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapLink, serviceLink, tracesLink } from './links';

test('trace search links carry the service, the operation, errors only and the window', () => {
  assert.equal(tracesLink({ service: 'checkout', window: { lookbackMs: 15 * 60_000, endMs: null } }), '/traces?service=checkout&lookback=15m');
  assert.equal(tracesLink({ service: 'a b', operation: 'GET /x', window: { lookbackMs: 3_600_000, endMs: null } }), '/traces?service=a+b&operation=GET+%2Fx&lookback=1h');
  assert.equal(
    tracesLink({ service: 'checkout', errorsOnly: true, window: { lookbackMs: 60_000, endMs: 1_000_000 } }),
    '/traces?service=checkout&tags=%7B%22error%22%3A%22true%22%7D&start=940000000&end=1000000000',
  );
  assert.equal(serviceLink('orders/v2'), '/services/orders%2Fv2');
  assert.equal(mapLink({ focus: 'service:checkout' }), '/service-map?focus=service%3Acheckout');
  assert.equal(mapLink({}), '/service-map');
});
