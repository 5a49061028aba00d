import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphEdge, GraphNode, ServiceGraph } from '@/lib/domain/service-graph/graph';
import { HEALTH_COLORS, buildMap, displayName, edgeLabel, labelPosition, pointOnEdge, edgeWidth, pathInGraph, viewGraph } from './map-model';

const red = { calls: 10, errors: 0, rate: 1, errorRate: 0, p50Ms: 1, p95Ms: 2, p99Ms: 3, health: 'healthy' as const };
const node = (id: string, extra: Partial<GraphNode> = {}): GraphNode => {
  const [kind, name] = id.split(':') as [GraphNode['kind'], string];
  return { id, name, kind, reportsSpans: kind === 'service', ...red, ...extra };
};
const edge = (source: string, target: string, extra: Partial<GraphEdge> = {}): GraphEdge => ({
  id: `${source}->${target}#request`,
  source,
  target,
  connectionType: 'request',
  ...red,
  ...extra,
});

const graph: ServiceGraph = {
  startMs: 0,
  endMs: 60_000,
  nodes: [node('user:user'), node('service:web'), node('service:api', { health: 'failing' }), node('database:pg'), node('service:mail')],
  edges: [
    edge('user:user', 'service:web'),
    edge('service:web', 'service:api', { rate: 100, errorRate: 0.25, health: 'failing' }),
    { ...edge('service:api', 'database:pg'), id: 'service:api->database:pg#database', connectionType: 'database' },
  ],
};
const positions = new Map(graph.nodes.map((n, i) => [n.id, { x: i * 250, y: 0 }]));
const none = { matches: null, path: null, selected: null, fresh: new Set<string>() };

test('edge labels read the way an operator says them', () => {
  assert.deepEqual(edgeLabel({ rate: 12.5, errorRate: 0.012, p95Ms: 45 }), { traffic: '12.5/s · 1.2% err', latency: 'p95 45 ms' });
  assert.deepEqual(edgeLabel({ rate: 2, errorRate: 0, p95Ms: null }), { traffic: '2/s', latency: null });
});

test('edges thicken with rate, logarithmically, relative to the busiest', () => {
  assert.equal(edgeWidth(0, 100), 1.5);
  assert.equal(edgeWidth(100, 100), 7);
  assert.ok(edgeWidth(10, 100) > 1.5 && edgeWidth(10, 100) < edgeWidth(50, 100));
});

test('nodes and edges are coloured by health; the map dims what a search does not match', () => {
  const map = buildMap(graph, positions, { ...none, matches: new Set(['service:api']) });
  const api = map.nodes.find((n) => n.id === 'service:api')!;
  assert.equal(api.data.color, HEALTH_COLORS.failing);
  assert.equal(api.data.dimmed, false);
  assert.equal(map.nodes.find((n) => n.id === 'service:web')!.data.dimmed, true);
  const failing = map.edges.find((e) => e.id === 'service:web->service:api#request')!;
  assert.equal(failing.data!.color, HEALTH_COLORS.failing);
  assert.equal(failing.data!.width, 7);
  assert.equal(failing.data!.dimmed, false, 'an edge touching a match stays');
  assert.equal(map.edges.find((e) => e.id === 'user:user->service:web#request')!.data!.dimmed, true);
});

test('a highlighted trace lights its path and dims the rest; peers drawn as services match', () => {
  const path = pathInGraph({ nodes: ['user:user', 'service:web', 'external:api'], edges: ['user:user->service:web#request', 'service:web->external:api#virtual'] }, graph);
  assert.deepEqual([...path!.edges], ['user:user->service:web#request', 'service:web->service:api#request']);
  const map = buildMap(graph, positions, { ...none, path });
  assert.equal(map.edges.find((e) => e.id === 'service:web->service:api#request')!.data!.highlighted, true);
  assert.equal(map.edges.find((e) => e.id === 'service:api->database:pg#database')!.data!.dimmed, true);
  assert.equal(map.nodes.find((n) => n.id === 'database:pg')!.data.dimmed, true);
});

test('view: hidden nodes and kinds go, focus keeps N hops; unplaced nodes are not drawn', () => {
  const view = { focus: null, hops: 1, hidden: new Set<string>(), hiddenKinds: new Set<GraphNode['kind']>(['user']) };
  assert.ok(!viewGraph(graph, view).nodes.some((n) => n.kind === 'user'));
  const focused = viewGraph(graph, { ...view, focus: 'service:api', hiddenKinds: new Set() });
  assert.deepEqual(focused.nodes.map((n) => n.id).sort(), ['database:pg', 'service:api', 'service:web']);
  const partial = buildMap(graph, new Map([['service:web', { x: 0, y: 0 }]]), none);
  assert.equal(partial.nodes.length, 1);
  assert.equal(partial.edges.length, 0);
});

test('labels move off a fan-out toward the spread-out side; the point is on React Flow’s curve', () => {
  assert.equal(labelPosition(3, 1), 0.62);
  assert.equal(labelPosition(1, 3), 0.38);
  assert.equal(labelPosition(1, 1), 0.5);
  assert.deepEqual(pointOnEdge(0, 0, 200, 100, 0), { x: 0, y: 0 });
  assert.deepEqual(pointOnEdge(0, 0, 200, 100, 1), { x: 200, y: 100 });
  assert.deepEqual(pointOnEdge(0, 0, 200, 100, 0.5), { x: 100, y: 50 }, 'the midpoint React Flow puts its own labels at');
});

test('brokers and databases are titled by their own name, their system beside it', () => {
  assert.deepEqual(displayName({ kind: 'messaging', name: 'rabbitmq/orders.created' }), { title: 'orders.created', system: 'rabbitmq' });
  assert.deepEqual(displayName({ kind: 'database', name: 'postgresql' }), { title: 'postgresql', system: null });
  assert.deepEqual(displayName({ kind: 'service', name: 'a/b' }), { title: 'a/b', system: null });
});
