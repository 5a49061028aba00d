import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BreakerWire, LagGroupResponse } from '@/lib/contracts/health-api';
import { buildHealthOverlay, destinationMatches, mergeBreaker, mergeLag } from './health-overlay';

const breaker = (service: string, name: string, state: BreakerWire['state'], target: string | null = null): BreakerWire => ({
  service, name, state, target, since: 0, failureRate: null, slowCallRate: null, callsPerSecond: null, rejectedPerSecond: null, source: 'span', flapping: false,
});
const lag = (system: LagGroupResponse['system'], destination: string, status: LagGroupResponse['status'], n = 10): LagGroupResponse => ({
  system, cluster: 'c', destination, group: destination, lag: n, lagSeconds: null, status, trend: 'steady', consumeRate: null, produceRate: null, drainSeconds: null, consumers: 1, since: 0, updated: 0, tracesQueueMs: null,
});
const graph = {
  nodes: [
    { id: 'service:orders', name: 'orders', kind: 'service' },
    { id: 'service:payments', name: 'payments', kind: 'service' },
    { id: 'messaging:rabbitmq/demo.orders:order.created', name: 'rabbitmq/demo.orders:order.created', kind: 'messaging' },
  ],
  edges: [
    { id: 'service:orders->service:payments:request', source: 'service:orders', target: 'service:payments' },
    { id: 'service:gateway->service:orders:request', source: 'service:gateway', target: 'service:orders' },
  ],
} as unknown as Parameters<typeof buildHealthOverlay>[0];

test('an open breaker in orders named after payments sits on orders → payments; closed ones are not drawn', () => {
  const o = buildHealthOverlay(graph, [breaker('orders', 'payments', 'half_open'), breaker('orders', 'payments-2', 'open', 'payments'), breaker('gateway', 'orders', 'closed')], []);
  assert.equal(o.breakers.get('service:orders->service:payments:request')?.name, 'payments-2', 'the worst of the two');
  assert.equal(o.breakers.has('service:gateway->service:orders:request'), false);
});

test('a RabbitMQ queue named after the routing key badges the messaging node; the worst group wins', () => {
  assert.equal(destinationMatches('rabbitmq/order.created', 'rabbitmq', 'order.created'), true);
  assert.equal(destinationMatches('rabbitmq/demo.orders:order.created', 'rabbitmq', 'demo.notifier.order-created'), true);
  assert.equal(destinationMatches('kafka/orders', 'rabbitmq', 'orders'), false, 'another broker');
  assert.equal(destinationMatches('kafka/orders', 'kafka', 'payments'), false);
  assert.equal(destinationMatches('rabbitmq/meshlight-demo.orders', 'rabbitmq', 'meshlight-demo.notifier.order-created', ['notifier']), true, 'a queue named after its consumer');
  assert.equal(destinationMatches('rabbitmq/meshlight-demo.orders', 'rabbitmq', 'meshlight-demo.notifier.order-created', ['billing']), false);
  assert.equal(destinationMatches('rabbitmq/meshlight-demo.hinc.orders', 'rabbitmq', 'meshlight-demo.hinc.notifier.order-created', ['notifier']), true, 'a namespaced fleet');
  assert.equal(destinationMatches('rabbitmq/meshlight-demo.hinc.orders', 'rabbitmq', 'meshlight-demo.notifier.order-created', ['notifier']), false, 'another fleet on the same broker');
  const o = buildHealthOverlay(graph, [], [lag('rabbitmq', 'demo.notifier.order-created', 'OK', 3), lag('rabbitmq', 'audit.order-created', 'WARN', 40)]);
  assert.equal(o.lag.get('messaging:rabbitmq/demo.orders:order.created')?.status, 'WARN');
});

test('a live state change replaces that breaker / group in the overlay lists, and adds an unknown one', () => {
  const merged = mergeBreaker([breaker('orders', 'payments', 'closed'), breaker('orders', 'stock', 'closed')], breaker('orders', 'payments', 'open'));
  assert.deepEqual(merged.map((b) => `${b.name}:${b.state}`).sort(), ['payments:open', 'stock:closed']);
  assert.deepEqual(mergeBreaker(undefined, breaker('a', 'b', 'open')).map((b) => b.state), ['open']);
  const lags = mergeLag([lag('rabbitmq', 'q1', 'OK'), lag('nats', 'q1', 'OK')], lag('rabbitmq', 'q1', 'STOP', 50));
  assert.deepEqual(lags?.map((g) => `${g.system}/${g.destination}:${g.status}`).sort(), ['nats/q1:OK', 'rabbitmq/q1:STOP']);
  assert.equal(mergeLag([lag('nats', 'q1', 'OK')], lag('rabbitmq', 'q2', 'STOP')), undefined, 'not listed yet: refetch');
});

test("a live lag status without lag in time keeps the read side's estimate from traces until the next fetch", () => {
  const listed = { ...lag('rabbitmq', 'q1', 'WARN', 40), lagSeconds: 21, lagSecondsSource: 'traces' as const };
  const [kept] = mergeLag([listed], lag('rabbitmq', 'q1', 'ERR', 80))!;
  assert.deepEqual([kept!.status, kept!.lag, kept!.lagSeconds, kept!.lagSecondsSource], ['ERR', 80, 21, 'traces']);
  const [drained] = mergeLag([listed], { ...lag('rabbitmq', 'q1', 'OK', 0), lagSeconds: 0, lagSecondsSource: 'empty' })!;
  assert.deepEqual([drained!.lagSeconds, drained!.lagSecondsSource], [0, 'empty']);
});
