// From a service graph to what the map draws, as pure functions: which nodes and edges are in view
// (focus, hidden nodes and kinds), their colours from health, edge thickness from rate, labels
// (req/s, error %, p95), and what is dimmed by a search or a highlighted trace. React Flow only
// receives the result.
import type { BreakerWire, LagGroupResponse } from '@/lib/contracts/health-api';
import { lagInTime } from '../lag/lag-view';
import type { HealthOverlay } from './health-overlay';
import type { Edge, Node } from 'reactflow';
import { focusGraph, hideNodes, searchNodes, type GraphEdge, type GraphNode, type Health, type ServiceGraph } from '@/lib/domain/service-graph/graph';
import type { NodeKind } from '@/lib/domain/service-graph/types';
import { formatMs, formatPercent, formatRate } from '../ui/red-format';
import type { Positions } from './layout';

export const HEALTH_COLORS: Record<Health, string> = {
  healthy: '#4cc38a',
  degraded: '#ffc35c',
  failing: '#ff6b6b',
  idle: '#6b7280',
};

export const KIND_LABELS: Record<NodeKind, string> = {
  service: 'Service',
  database: 'Database',
  cache: 'Cache',
  messaging: 'Topic / queue',
  external: 'External',
  user: 'Users',
};

export interface MapView {
  /** Node id to focus on, with `hops` of neighbours. */
  focus: string | null;
  hops: number;
  hidden: ReadonlySet<string>;
  hiddenKinds: ReadonlySet<NodeKind>;
}

/** The part of the graph the map shows. */
export function viewGraph(graph: ServiceGraph, view: MapView): ServiceGraph {
  let shown = graph;
  const hidden = new Set(view.hidden);
  for (const node of graph.nodes) if (view.hiddenKinds.has(node.kind) && node.id !== view.focus) hidden.add(node.id);
  shown = hideNodes(shown, hidden);
  if (view.focus) shown = focusGraph(shown, view.focus, view.hops);
  return shown;
}

/**
 * An edge's label in two short lines, `12.5/s · 1.2% err` over `p95 45 ms`; the error part only
 * when there are errors, the second line only when there is a latency.
 */
export function edgeLabel(edge: Pick<GraphEdge, 'rate' | 'errorRate' | 'p95Ms'>): { traffic: string; latency: string | null } {
  const traffic = edge.errorRate > 0 ? `${formatRate(edge.rate)} · ${formatPercent(edge.errorRate)} err` : formatRate(edge.rate);
  return { traffic, latency: edge.p95Ms !== null ? `p95 ${formatMs(edge.p95Ms)}` : null };
}

/** Stroke width 1.5–7 px, logarithmic in rate relative to the busiest edge in view. */
export function edgeWidth(rate: number, maxRate: number): number {
  if (maxRate <= 0 || rate <= 0) return 1.5;
  return 1.5 + 5.5 * (Math.log1p(rate) / Math.log1p(maxRate));
}

export interface MapNodeData {
  node: GraphNode;
  /** A topic/queue's worst consumer-group lag (broker metrics), when known. */
  lag?: LagGroupResponse;
  color: string;
  dimmed: boolean;
  highlighted: boolean;
  /** Appeared since the last layout (live): drawn with a pulse for a moment. */
  fresh: boolean;
}

export interface MapEdgeData {
  edge: GraphEdge;
  /** The circuit breaker guarding this call, when it is not closed. */
  breaker?: BreakerWire;
  /** Broker → consumer: how long messages wait (lag in time), when known. */
  queueLag?: string;
  color: string;
  width: number;
  /** Where along the curve the label sits (0 source … 1 target). */
  labelAt: number;
  label: { traffic: string; latency: string | null };
  dimmed: boolean;
  highlighted: boolean;
}

export interface Emphasis {
  /** Node ids a search matched; null when not searching. */
  matches: ReadonlySet<string> | null;
  /** A highlighted trace's nodes and edges; null when none. */
  path: { nodes: ReadonlySet<string>; edges: ReadonlySet<string> } | null;
  selected: string | null;
  fresh: ReadonlySet<string>;
}

export function searchMatches(graph: ServiceGraph, query: string): ReadonlySet<string> | null {
  return query.trim() === '' ? null : searchNodes(graph, query);
}

/**
 * A highlighted trace's path in this graph's ids: a peer that is drawn as a service (the graph
 * merges `external:x` into `service:x`) is matched as that service.
 */
export function pathInGraph(path: { nodes: string[]; edges: string[] }, graph: ServiceGraph): Emphasis['path'] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const canonical = (id: string) => (id.startsWith('external:') && ids.has(`service:${id.slice(9)}`) ? `service:${id.slice(9)}` : id);
  const edges = path.edges.map((id) => {
    const match = /^(.*)->(.*)#(\w+)$/.exec(id);
    if (!match) return id;
    const target = canonical(match[2]!);
    const type = match[3] === 'virtual' && target.startsWith('service:') ? 'request' : match[3];
    return `${canonical(match[1]!)}->${target}#${type}`;
  });
  return { nodes: new Set(path.nodes.map(canonical)), edges: new Set(edges) };
}

/**
 * Where along an edge its label goes. Labels of edges fanning out of one node would stack at the
 * curves' midpoints, all close to that node; they are moved toward the side where the edges are
 * spread out (the targets of a fan-out, the sources of a fan-in).
 */
export function labelPosition(outOfSource: number, intoTarget: number): number {
  if (outOfSource > intoTarget) return 0.62;
  if (intoTarget > outOfSource) return 0.38;
  return 0.5;
}

/**
 * The point at `t` on the curve React Flow draws for an edge from a right-hand source handle to a
 * left-hand target handle (getBezierPath in @reactflow/core, curvature 0.25).
 */
export function pointOnEdge(sx: number, sy: number, tx: number, ty: number, t: number): { x: number; y: number } {
  const offset = (distance: number) => (distance >= 0 ? 0.5 * distance : 0.25 * 25 * Math.sqrt(-distance));
  const c1 = { x: sx + offset(tx - sx), y: sy };
  const c2 = { x: tx - offset(tx - sx), y: ty };
  const u = 1 - t;
  return {
    x: u * u * u * sx + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * tx,
    y: u * u * u * sy + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * ty,
  };
}

/** A node's name as drawn: a broker's or database's own name without its system prefix. */
export function displayName(node: Pick<GraphNode, 'kind' | 'name'>): { title: string; system: string | null } {
  const slash = node.name.indexOf('/');
  if ((node.kind === 'messaging' || node.kind === 'database' || node.kind === 'cache') && slash > 0) {
    return { title: node.name.slice(slash + 1), system: node.name.slice(0, slash) };
  }
  return { title: node.name, system: null };
}

export function buildMap(
  graph: ServiceGraph,
  positions: Positions,
  emphasis: Emphasis,
  overlay?: HealthOverlay,
): { nodes: Node<MapNodeData>[]; edges: Edge<MapEdgeData>[] } {
  const maxRate = Math.max(0, ...graph.edges.map((e) => e.rate));
  const inFocus = (id: string) =>
    (emphasis.matches === null || emphasis.matches.has(id)) && (emphasis.path === null || emphasis.path.nodes.has(id));
  const nodes: Node<MapNodeData>[] = graph.nodes
    .filter((n) => positions.has(n.id))
    .map((node) => ({
      id: node.id,
      type: 'meshlight',
      position: positions.get(node.id)!,
      selected: emphasis.selected === node.id,
      data: {
        node,
        color: HEALTH_COLORS[node.health],
        dimmed: !inFocus(node.id),
        highlighted: emphasis.path?.nodes.has(node.id) ?? false,
        fresh: emphasis.fresh.has(node.id),
        ...(overlay?.lag.has(node.id) ? { lag: overlay.lag.get(node.id) } : {}),
      },
    }));
  const placed = new Set(nodes.map((n) => n.id));
  const outDegree = new Map<string, number>();
  const inDegree = new Map<string, number>();
  for (const e of graph.edges) {
    outDegree.set(e.source, (outDegree.get(e.source) ?? 0) + 1);
    inDegree.set(e.target, (inDegree.get(e.target) ?? 0) + 1);
  }
  const edges: Edge<MapEdgeData>[] = graph.edges
    .filter((e) => placed.has(e.source) && placed.has(e.target))
    .map((edge) => {
      const onPath = emphasis.path?.edges.has(edge.id) ?? false;
      const breaker = overlay?.breakers.get(edge.id);
      const lag = edge.connectionType === 'messaging' ? overlay?.lag.get(edge.source) : undefined;
      const dimmed = emphasis.path !== null ? !onPath : emphasis.matches !== null && !(emphasis.matches.has(edge.source) || emphasis.matches.has(edge.target));
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: 'meshlight',
        selected: emphasis.selected === edge.id,
        data: {
          edge,
          color: HEALTH_COLORS[edge.health === 'idle' ? 'healthy' : edge.health],
          width: edgeWidth(edge.rate, maxRate),
          labelAt: labelPosition(outDegree.get(edge.source) ?? 0, inDegree.get(edge.target) ?? 0),
          label: edgeLabel(edge),
          dimmed,
          highlighted: onPath,
          ...(breaker ? { breaker } : {}),
          ...(lag ? { queueLag: lagInTime(lag) } : {}),
        },
      };
    });
  return { nodes, edges };
}
