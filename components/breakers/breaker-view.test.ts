import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BreakerWire } from '@/lib/contracts/health-api';
import { failingTracesLink, formatSpan, groupByService } from './breaker-view';

const b = (service: string, name: string, state: BreakerWire['state'], flapping = false): BreakerWire => ({
  service, name, state, flapping, target: null, since: 0, failureRate: null, slowCallRate: null, callsPerSecond: null, rejectedPerSecond: null, source: 'span',
});

test('services with an open breaker come first; inside, open before half-open before closed, flapping first', () => {
  const groups = groupByService([b('a', 'x', 'closed'), b('b', 'y', 'half_open'), b('b', 'z', 'open'), b('c', 'w', 'closed', true), b('c', 'v', 'closed')]);
  assert.deepEqual(groups.map((g) => g.service), ['b', 'a', 'c']);
  assert.deepEqual(groups[0]!.breakers.map((x) => x.name), ['z', 'y']);
  assert.deepEqual(groups[2]!.breakers.map((x) => x.name), ['w', 'v']);
});

test('time in state and the failing-traces link of a band', () => {
  assert.equal(formatSpan(42_000), '42s');
  assert.equal(formatSpan(192_000), '3m 12s');
  assert.equal(formatSpan(7_500_000), '2h 5m');
  const link = new URL(failingTracesLink('orders', 1000, 2000), 'http://x');
  assert.equal(link.pathname, '/traces');
  assert.deepEqual(Object.fromEntries(link.searchParams), { service: 'orders', tags: '{"error":"true"}', start: '1000000', end: '2000000' });
  // A breaker seen on spans: only the failing calls through it (the edge it guards).
  const through = new URL(failingTracesLink('orders', 1000, 2000, 'payments'), 'http://x');
  assert.deepEqual(JSON.parse(through.searchParams.get('tags')!), { error: 'true', 'circuit.name': 'payments' });
});
