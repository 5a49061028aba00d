// The involved part of the map: the incident's nodes, the edges touching them with the window's
// traffic (as assembleGraph makes it from rollup totals), and edges known only from the shape
// drawn idle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assembleGraph, type EdgeTotals, type ServiceTotals } from '../service-graph/graph';
import { addToHistogram, emptyHistogram } from '../service-graph/latency-histogram';
import { emptyCounters } from '../service-graph/rollup';
import type { NodeKind } from '../service-graph/types';
import { involvedGraph } from './involved-graph';

const ref = (id: string) => ({ kind: id.split(':')[0] as NodeKind, name: id.slice(id.indexOf(':') + 1) });

function counters(calls: number, errors: number, latencyMs: number) {
  const histogram = emptyHistogram();
  addToHistogram(histogram, latencyMs * 1000, calls);
  return { ...emptyCounters(), calls, errors, latencyCount: calls, latencySumUs: calls * latencyMs * 1000, latencyMaxUs: latencyMs * 1000, histogram };
}

describe('involvedGraph', () => {
  // 60 s window: gateway → orders → payments (failing), orders → inventory, and an unrelated x → y.
  const edges: EdgeTotals[] = [
    { source: ref('service:gateway'), target: ref('service:orders'), connectionType: 'request', ...counters(600, 12, 40) },
    { source: ref('service:orders'), target: ref('service:payments'), connectionType: 'request', ...counters(300, 240, 12) },
    // A call whose server half never arrived, named after the service: merged into the request edge.
    { source: ref('service:orders'), target: ref('external:payments'), connectionType: 'virtual', ...counters(60, 60, 12) },
    { source: ref('service:orders'), target: ref('service:inventory'), connectionType: 'request', ...counters(120, 0, 8) },
    { source: ref('service:x'), target: ref('service:y'), connectionType: 'request', ...counters(60, 0, 1) },
  ];
  const services: ServiceTotals[] = [
    { service: 'orders', ...counters(600, 30, 35) },
    { service: 'payments', ...counters(360, 300, 12) },
  ];
  const traffic = assembleGraph({ startMs: 0, endMs: 60_000, edges, services });

  it('carries the window’s rate, error rate and p95 on the involved nodes and the edges touching them', () => {
    const graph = involvedGraph({ nodes: ['service:orders', 'service:payments'] }, [], traffic);
    assert.deepEqual(graph.nodes.map((n) => n.id), ['service:gateway', 'service:inventory', 'service:orders', 'service:payments']);
    const payments = graph.nodes.find((n) => n.id === 'service:payments')!;
    assert.equal(payments.rate, 6);
    assert.equal(payments.errorRate, 300 / 360);
    assert.equal(payments.health, 'failing');
    assert.ok(payments.p95Ms !== null && payments.p95Ms > 0);
    const call = graph.edges.find((e) => e.id === 'service:orders->service:payments#request')!;
    assert.equal(call.calls, 360);
    assert.equal(call.errorRate, 300 / 360);
    assert.equal(graph.edges.length, 3);
    assert.ok(!graph.edges.some((e) => e.source === 'service:x'));
    assert.deepEqual({ startMs: graph.startMs, endMs: graph.endMs }, { startMs: 0, endMs: 60_000 });
  });

  it('draws edges known only from the shape, and nodes without traffic, idle', () => {
    const graph = involvedGraph(
      { nodes: ['service:orders', 'messaging:rabbitmq/orders', 'service:notifier'] },
      [
        { source: 'service:orders', target: 'external:payments' },
        { source: 'service:orders', target: 'messaging:rabbitmq/orders' },
        { source: 'messaging:rabbitmq/orders', target: 'service:notifier' },
        { source: 'service:orders', target: 'service:inventory' },
      ],
      traffic,
    );
    assert.deepEqual(graph.edges.map((e) => [e.id, e.health]), [
      ['messaging:rabbitmq/orders->service:notifier#messaging', 'idle'],
      ['service:gateway->service:orders#request', 'degraded'],
      ['service:orders->messaging:rabbitmq/orders#messaging', 'idle'],
      ['service:orders->service:inventory#request', 'healthy'],
      ['service:orders->service:payments#request', 'failing'],
    ]);
    const notifier = graph.nodes.find((n) => n.id === 'service:notifier')!;
    assert.deepEqual([notifier.kind, notifier.health, notifier.rate, notifier.p95Ms], ['service', 'idle', 0, null]);
    assert.equal(graph.nodes.find((n) => n.id === 'messaging:rabbitmq/orders')!.kind, 'messaging');
  });
});
