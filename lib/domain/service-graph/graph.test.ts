import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addToHistogram } from './latency-histogram';
import {
  applyGraphDelta,
  assembleGraph,
  focusGraph,
  healthOf,
  hideNodes,
  searchNodes,
  type EdgeTotals,
  type ServiceGraph,
  type ServiceTotals,
} from './graph';
import { emptyCounters } from './rollup';
import type { ConnectionType, NodeRef } from './types';

const svc = (name: string): NodeRef => ({ kind: 'service', name });

function totals(calls: number, errors: number, latenciesMs: number[] = []) {
  const counters = { ...emptyCounters(), calls, errors };
  for (const ms of latenciesMs) {
    addToHistogram(counters.histogram, ms * 1000);
    counters.latencyCount++;
    counters.latencySumUs += ms * 1000;
    counters.latencyMaxUs = Math.max(counters.latencyMaxUs, ms * 1000);
  }
  return counters;
}

function edge(source: NodeRef, target: NodeRef, connectionType: ConnectionType, calls: number, errors = 0, latenciesMs: number[] = []): EdgeTotals {
  return { source, target, connectionType, ...totals(calls, errors, latenciesMs) };
}

function service(name: string, calls: number, errors = 0): ServiceTotals {
  return { service: name, ...totals(calls, errors) };
}

//   user ──▶ frontend ──▶ checkout ──▶ payments ──▶ stripe (external)
//                 │            └──────▶ postgresql/shop (database)
//                 └──────▶ rabbitmq/orders ──▶ notifier
const HOUR = { startMs: 0, endMs: 3_600_000 };
const graph = assembleGraph({
  ...HOUR,
  edges: [
    edge({ kind: 'user', name: 'user' }, svc('frontend'), 'request', 3600),
    edge(svc('frontend'), svc('checkout'), 'request', 1800, 18, [10, 20, 30, 40, 500]),
    edge(svc('checkout'), svc('payments'), 'request', 900, 90),
    edge(svc('payments'), { kind: 'external', name: 'stripe' }, 'virtual', 900, 9),
    edge(svc('checkout'), { kind: 'database', name: 'postgresql/shop' }, 'database', 3600),
    edge(svc('frontend'), { kind: 'messaging', name: 'rabbitmq/orders' }, 'messaging', 360),
    edge({ kind: 'messaging', name: 'rabbitmq/orders' }, svc('notifier'), 'messaging', 360),
    // A client span named its peer `checkout`, and the server half never came: same node.
    edge(svc('frontend'), { kind: 'external', name: 'checkout' }, 'virtual', 36, 36),
  ],
  services: [service('frontend', 3600, 0), service('checkout', 1800, 18), service('payments', 900, 90), service('notifier', 360)],
});

const node = (g: ServiceGraph, id: string) => g.nodes.find((n) => n.id === id);
const edgeOf = (g: ServiceGraph, id: string) => g.edges.find((e) => e.id === id);

test('nodes get their kind, rate and health; inferred nodes take their numbers from inbound calls', () => {
  assert.deepEqual(
    graph.nodes.map((n) => `${n.id} ${n.health}`),
    [
      'database:postgresql/shop healthy',
      'external:stripe degraded',
      'messaging:rabbitmq/orders healthy',
      'service:checkout degraded',
      'service:frontend healthy',
      'service:notifier healthy',
      'service:payments failing',
      'user:user healthy',
    ],
  );
  assert.equal(node(graph, 'service:frontend')!.rate, 1);
  assert.equal(node(graph, 'service:frontend')!.reportsSpans, true);
  assert.equal(node(graph, 'external:stripe')!.reportsSpans, false);
  assert.equal(node(graph, 'external:stripe')!.errorRate, 0.01, '9 of 900 calls to stripe failed');
});

test('edges carry rate, error rate and percentiles', () => {
  const e = edgeOf(graph, 'service:checkout->service:payments#request')!;
  assert.equal(e.rate, 0.25);
  assert.equal(e.errorRate, 0.1);
  assert.equal(e.health, 'failing');
  assert.equal(e.p50Ms, null, 'no latencies recorded, no percentiles');
  const timed = edgeOf(graph, 'service:frontend->service:checkout#request')!;
  assert.ok(timed.p50Ms! > 25 && timed.p50Ms! < 35, `p50 ${timed.p50Ms}`);
  assert.equal(timed.p99Ms, 500, 'the top percentile is capped by the slowest call');
});

test('a peer named after an instrumented service is that service; its calls join the request edge', () => {
  assert.equal(node(graph, 'external:checkout'), undefined);
  const e = edgeOf(graph, 'service:frontend->service:checkout#request')!;
  assert.equal(e.calls, 1836);
  assert.equal(e.errors, 54);
});

test('health thresholds are configurable', () => {
  assert.equal(healthOf(100, 1), 'degraded');
  assert.equal(healthOf(100, 1, { degraded: 0.02, failing: 0.1 }), 'healthy');
  assert.equal(healthOf(100, 10, { degraded: 0.02, failing: 0.1 }), 'failing');
  assert.equal(healthOf(0, 0), 'idle');
});

test('focus keeps a node and its neighbours up to N hops, in both directions', () => {
  const ids = (g: ServiceGraph) => g.nodes.map((n) => n.id.split(':')[1]).sort();
  assert.deepEqual(ids(focusGraph(graph, 'service:checkout', 0)), ['checkout']);
  assert.deepEqual(ids(focusGraph(graph, 'service:checkout', 1)), ['checkout', 'frontend', 'payments', 'postgresql/shop']);
  assert.deepEqual(ids(focusGraph(graph, 'service:checkout', 2)), ['checkout', 'frontend', 'payments', 'postgresql/shop', 'rabbitmq/orders', 'stripe', 'user']);
  const oneHop = focusGraph(graph, 'service:checkout', 1);
  assert.ok(oneHop.edges.every((e) => oneHop.nodes.some((n) => n.id === e.source) && oneHop.nodes.some((n) => n.id === e.target)));
  assert.equal(focusGraph(graph, 'service:nope', 3).nodes.length, 0);
});

test('hiding removes nodes and their edges; search matches names and kinds', () => {
  const hidden = hideNodes(graph, new Set(['user:user', 'database:postgresql/shop']));
  assert.equal(hidden.nodes.length, graph.nodes.length - 2);
  assert.ok(!hidden.edges.some((e) => e.source === 'user:user' || e.target === 'database:postgresql/shop'));
  assert.deepEqual([...searchNodes(graph, 'PAY')], ['service:payments']);
  assert.deepEqual([...searchNodes(graph, 'database')], ['database:postgresql/shop']);
  assert.equal(searchNodes(graph, '').size, graph.nodes.length);
});

test('a live delta adds new nodes and edges, moves rates and health, and leaves untouched graphs as they are', () => {
  const delta = {
    atMs: 3_600_000,
    edges: [
      { source: svc('frontend'), target: svc('search'), connectionType: 'request' as const, environment: 'prod', calls: 36, errors: 36 },
      { source: svc('checkout'), target: svc('payments'), connectionType: 'request' as const, environment: 'prod', calls: 900, errors: 0 },
    ],
    services: [{ service: 'search', environment: 'prod', calls: 36, errors: 36 }],
  };
  const next = applyGraphDelta(graph, delta, null);
  assert.notEqual(next, graph);
  assert.equal(node(next, 'service:search')!.health, 'failing');
  assert.equal(node(next, 'service:search')!.reportsSpans, true);
  assert.equal(edgeOf(next, 'service:frontend->service:search#request')!.calls, 36);
  const payments = edgeOf(next, 'service:checkout->service:payments#request')!;
  assert.equal(payments.calls, 1800);
  assert.equal(payments.errorRate, 0.05);
  assert.equal(payments.p95Ms, edgeOf(graph, 'service:checkout->service:payments#request')!.p95Ms, 'percentiles wait for a refetch');
  assert.equal(node(graph, 'service:search'), undefined, 'the input graph is not modified');
  assert.equal(applyGraphDelta(graph, delta, 'staging'), graph, 'another environment: nothing applies');
});
