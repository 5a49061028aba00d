// Assembles the service graph the API serves and the map draws from window totals read out of the
// rollups: nodes with their kind, RED and health, edges with rate, error rate and percentiles. Plus
// the pure operations the map applies on top without a round trip: N-hop focus, hiding, search,
// and merging a live delta into a graph already shown. No I/O; the clock is never read here.
import { percentileUs } from './latency-histogram';
import { emptyCounters, mergeCounters, type RedCounters } from './rollup';
import { edgeId, nodeId, serviceNode, type ConnectionType, type NodeKind, type NodeRef } from './types';

export interface HealthThresholds {
  /** Error rate (0–1) from which a node or edge is drawn as degraded. */
  degraded: number;
  /** Error rate (0–1) from which it is drawn as failing. */
  failing: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = { degraded: 0.01, failing: 0.05 };

export type Health = 'healthy' | 'degraded' | 'failing' | 'idle';

export function healthOf(calls: number, errors: number, thresholds: HealthThresholds = DEFAULT_THRESHOLDS): Health {
  if (calls <= 0) return 'idle';
  const rate = errors / calls;
  if (rate >= thresholds.failing) return 'failing';
  if (rate >= thresholds.degraded) return 'degraded';
  return 'healthy';
}

/** An edge's counters summed over a window, as lib/db reads them. */
export interface EdgeTotals extends RedCounters {
  source: NodeRef;
  target: NodeRef;
  connectionType: ConnectionType;
}

/** A service's entry-span counters summed over a window. */
export interface ServiceTotals extends RedCounters {
  service: string;
}

export interface Red {
  calls: number;
  errors: number;
  /** Calls per second over the window. */
  rate: number;
  /** errors / calls, 0 when idle. */
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  health: Health;
}

export interface GraphNode extends Red {
  id: string;
  name: string;
  kind: NodeKind;
  /**
   * Whether the node's numbers are its own entry spans (services), or else the calls it received
   * (inferred nodes; a service that reported no entry span) or, for a node nobody calls (the
   * users), the calls it made.
   */
  reportsSpans: boolean;
}

export interface GraphEdge extends Red {
  id: string;
  source: string;
  target: string;
  connectionType: ConnectionType;
}

export interface ServiceGraph {
  startMs: number;
  endMs: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A call to a peer that turned out to be a service is a request whose server half went missing. */
function canonicalConnection(type: ConnectionType, target: NodeRef): ConnectionType {
  return type === 'virtual' && target.kind === 'service' ? 'request' : type;
}

const roundMs = (us: number | undefined): number | null =>
  us === undefined ? null : Math.round((us / 1000) * 1000) / 1000;

export function red(counters: RedCounters, windowSeconds: number, thresholds: HealthThresholds): Red {
  const seconds = Math.max(windowSeconds, 1e-3);
  return {
    calls: counters.calls,
    errors: counters.errors,
    rate: counters.calls / seconds,
    errorRate: counters.calls > 0 ? counters.errors / counters.calls : 0,
    p50Ms: roundMs(percentileUs(counters.histogram, 0.5, counters.latencyMaxUs || undefined)),
    p95Ms: roundMs(percentileUs(counters.histogram, 0.95, counters.latencyMaxUs || undefined)),
    p99Ms: roundMs(percentileUs(counters.histogram, 0.99, counters.latencyMaxUs || undefined)),
    health: healthOf(counters.calls, counters.errors, thresholds),
  };
}

export interface AssembleInput {
  startMs: number;
  endMs: number;
  edges: readonly EdgeTotals[];
  services: readonly ServiceTotals[];
}

export function assembleGraph(input: AssembleInput, thresholds: HealthThresholds = DEFAULT_THRESHOLDS): ServiceGraph {
  const windowSeconds = (input.endMs - input.startMs) / 1000;
  const serviceNames = new Set(input.services.map((s) => s.service));
  for (const e of input.edges) {
    if (e.source.kind === 'service') serviceNames.add(e.source.name);
    if (e.target.kind === 'service') serviceNames.add(e.target.name);
  }
  // A peer named after a service that reports spans (its server half arrived too late, or a
  // client named it in peer.service) is that service, not a separate node.
  const canonical = (ref: NodeRef): NodeRef =>
    ref.kind === 'external' && serviceNames.has(ref.name) ? serviceNode(ref.name) : ref;

  const edges = new Map<string, { source: NodeRef; target: NodeRef; connectionType: ConnectionType; counters: RedCounters }>();
  for (const e of input.edges) {
    const source = canonical(e.source);
    const target = canonical(e.target);
    const connectionType = canonicalConnection(e.connectionType, target);
    const id = edgeId(nodeId(source), nodeId(target), connectionType);
    const known = edges.get(id);
    if (known) mergeCounters(known.counters, e);
    else edges.set(id, { source, target, connectionType, counters: mergeCounters(emptyCounters(), e) });
  }

  const nodes = new Map<string, { ref: NodeRef; own?: RedCounters; inbound: RedCounters; outbound: RedCounters }>();
  const nodeFor = (ref: NodeRef) => {
    const id = nodeId(ref);
    let node = nodes.get(id);
    if (!node) nodes.set(id, (node = { ref, inbound: emptyCounters(), outbound: emptyCounters() }));
    return node;
  };
  for (const s of input.services) {
    const node = nodeFor(serviceNode(s.service));
    node.own = mergeCounters(node.own ?? emptyCounters(), s);
  }
  for (const e of edges.values()) {
    mergeCounters(nodeFor(e.source).outbound, e.counters);
    mergeCounters(nodeFor(e.target).inbound, e.counters);
  }

  const graphNodes: GraphNode[] = [...nodes.entries()].map(([id, n]) => ({
    id,
    name: n.ref.name,
    kind: n.ref.kind,
    reportsSpans: n.own !== undefined,
    // A node nobody calls (the users) is described by the calls it makes.
    ...red(n.own ?? (n.inbound.calls > 0 ? n.inbound : n.outbound), windowSeconds, thresholds),
  }));
  const graphEdges: GraphEdge[] = [...edges.entries()].map(([id, e]) => ({
    id,
    source: nodeId(e.source),
    target: nodeId(e.target),
    connectionType: e.connectionType,
    ...red(e.counters, windowSeconds, thresholds),
  }));
  graphNodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  graphEdges.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { startMs: input.startMs, endMs: input.endMs, nodes: graphNodes, edges: graphEdges };
}

// ---------------------------------------------------------------------------------------------
// Views of a graph

/** The node and everything within `hops` edges of it, in either direction. */
export function focusGraph(graph: ServiceGraph, focusId: string, hops: number): ServiceGraph {
  if (!graph.nodes.some((n) => n.id === focusId)) return { ...graph, nodes: [], edges: [] };
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    let list = neighbours.get(a);
    if (!list) neighbours.set(a, (list = []));
    list.push(b);
  };
  for (const e of graph.edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const kept = new Set([focusId]);
  let frontier = [focusId];
  for (let hop = 0; hop < hops && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const other of neighbours.get(id) ?? []) {
        if (kept.has(other)) continue;
        kept.add(other);
        next.push(other);
      }
    }
    frontier = next;
  }
  return keepNodes(graph, kept);
}

/** The graph without the given nodes and their edges. */
export function hideNodes(graph: ServiceGraph, hidden: ReadonlySet<string>): ServiceGraph {
  if (hidden.size === 0) return graph;
  return keepNodes(graph, new Set(graph.nodes.filter((n) => !hidden.has(n.id)).map((n) => n.id)));
}

function keepNodes(graph: ServiceGraph, kept: ReadonlySet<string>): ServiceGraph {
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => kept.has(n.id)),
    edges: graph.edges.filter((e) => kept.has(e.source) && kept.has(e.target)),
  };
}

/** Ids of nodes whose name contains every word of `query` (case-insensitive); all when empty. */
export function searchNodes(graph: ServiceGraph, query: string): Set<string> {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return new Set(graph.nodes.filter((n) => words.every((w) => n.name.toLowerCase().includes(w) || n.kind === w)).map((n) => n.id));
}

// ---------------------------------------------------------------------------------------------
// Live deltas

/** What the collector observed during one live interval (lib/contracts/live-messages.ts). */
export interface GraphDelta {
  /** End of the interval. */
  atMs: number;
  edges: Array<{
    source: NodeRef;
    target: NodeRef;
    connectionType: ConnectionType;
    environment: string;
    calls: number;
    errors: number;
  }>;
  services: Array<{ service: string; environment: string; calls: number; errors: number }>;
}

/**
 * The graph with a delta's calls added: new nodes and edges appear, rates and health move. Windows
 * are not slid here (the graph is refetched now and then for that) and percentiles stay as they
 * were. Only the delta's rows of `environment` count when one is given. Returns the same object
 * when nothing applies, so a React Query cache sees no change.
 */
export function applyGraphDelta(
  graph: ServiceGraph,
  delta: GraphDelta,
  environment: string | null,
  thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
): ServiceGraph {
  const edgesIn = delta.edges.filter((e) => environment === null || e.environment === environment);
  const servicesIn = delta.services.filter((s) => environment === null || s.environment === environment);
  if (edgesIn.length === 0 && servicesIn.length === 0) return graph;
  const windowSeconds = (graph.endMs - graph.startMs) / 1000;
  const nodes = new Map(graph.nodes.map((n) => [n.id, { ...n }]));
  const edges = new Map(graph.edges.map((e) => [e.id, { ...e }]));
  const services = new Set(graph.nodes.filter((n) => n.kind === 'service').map((n) => n.name));
  for (const e of edgesIn) {
    if (e.source.kind === 'service') services.add(e.source.name);
    if (e.target.kind === 'service') services.add(e.target.name);
  }
  for (const s of servicesIn) services.add(s.service);
  const canonical = (ref: NodeRef): NodeRef => (ref.kind === 'external' && services.has(ref.name) ? serviceNode(ref.name) : ref);

  const bump = <T extends Red>(item: T, calls: number, errors: number): T => {
    item.calls += calls;
    item.errors += errors;
    item.rate = item.calls / Math.max(windowSeconds, 1e-3);
    item.errorRate = item.calls > 0 ? item.errors / item.calls : 0;
    item.health = healthOf(item.calls, item.errors, thresholds);
    return item;
  };
  const idle = (): Red => ({ calls: 0, errors: 0, rate: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null, health: 'idle' });
  const nodeFor = (ref: NodeRef): GraphNode => {
    const id = nodeId(ref);
    let node = nodes.get(id);
    if (!node) nodes.set(id, (node = { id, name: ref.name, kind: ref.kind, reportsSpans: false, ...idle() }));
    return node;
  };

  for (const s of servicesIn) {
    const node = nodeFor(serviceNode(s.service));
    if (!node.reportsSpans) Object.assign(node, idle(), { reportsSpans: true });
    bump(node, s.calls, s.errors);
  }
  for (const e of edgesIn) {
    const source = nodeFor(canonical(e.source));
    const targetRef = canonical(e.target);
    const target = nodeFor(targetRef);
    if (!target.reportsSpans) bump(target, e.calls, e.errors);
    const connectionType = canonicalConnection(e.connectionType, targetRef);
    const id = edgeId(source.id, target.id, connectionType);
    let edge = edges.get(id);
    if (!edge) edges.set(id, (edge = { id, source: source.id, target: target.id, connectionType, ...idle() }));
    bump(edge, e.calls, e.errors);
  }
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { ...graph, nodes: [...nodes.values()].sort(byId), edges: [...edges.values()].sort(byId) };
}

