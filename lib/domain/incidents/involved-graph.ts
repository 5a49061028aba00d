// The involved part of the service map for an incident page: the incident's nodes, the edges
// touching them and their other ends, with the traffic of the incident's window (request rate,
// error rate, p50/p95/p99 and health, as the service map assembles them from the RED rollups:
// lib/domain/service-graph/graph.ts). The shape comes from two places: the edges carrying traffic
// in the window (the map's own, canonical ids), and the edges the incident was grouped on (seen in
// the hours before it; an edge gone quiet during the incident, e.g. calls no longer made while a
// breaker is open, is still drawn, idle). Pure: graphs in, graph out.
import type { GraphEdge as ShapeEdge } from './incidents';
import type { GraphEdge, GraphNode, ServiceGraph } from '../service-graph/graph';
import { edgeId, parseNodeId, type ConnectionType, type NodeKind } from '../service-graph/types';

const IDLE = { calls: 0, errors: 0, rate: 0, errorRate: 0, p50Ms: null, p95Ms: null, p99Ms: null, health: 'idle' } as const;

const kindOf = (id: string): NodeKind => parseNodeId(id)?.kind ?? 'service';

/** What an edge seen only in the shape is drawn as (the map's connection types, guessed from its ends). */
function guessConnection(source: string, target: string): ConnectionType {
  if (kindOf(source) === 'messaging' || kindOf(target) === 'messaging') return 'messaging';
  if (kindOf(target) === 'database' || kindOf(target) === 'cache') return 'database';
  return 'request';
}

/**
 * `traffic`: the service graph of the incident's window (assembleGraph's output). `shape`: the
 * graph edges the incident was grouped on, as stored (`external:payments` may stand for a service
 * the graph knows as `service:payments`, as assembleGraph merges them).
 */
export function involvedGraph(incident: { nodes: readonly string[] }, shape: readonly ShapeEdge[], traffic: ServiceGraph): ServiceGraph {
  const involved = new Set(incident.nodes);
  const services = new Set(traffic.nodes.filter((n) => n.kind === 'service').map((n) => n.name));
  for (const id of [...involved, ...shape.flatMap((e) => [e.source, e.target])]) if (kindOf(id) === 'service') services.add(parseNodeId(id)!.name);
  const canonical = (id: string) => {
    const ref = parseNodeId(id);
    return ref?.kind === 'external' && services.has(ref.name) ? `service:${ref.name}` : id;
  };
  const touches = (e: { source: string; target: string }) => e.source !== e.target && (involved.has(e.source) || involved.has(e.target));

  const edges: GraphEdge[] = traffic.edges.filter(touches);
  const pairs = new Set(edges.map((e) => `${e.source}>${e.target}`));
  for (const raw of shape) {
    const e = { source: canonical(raw.source), target: canonical(raw.target) };
    if (!touches(e) || pairs.has(`${e.source}>${e.target}`)) continue;
    pairs.add(`${e.source}>${e.target}`);
    const connectionType = guessConnection(e.source, e.target);
    edges.push({ id: edgeId(e.source, e.target, connectionType), ...e, connectionType, ...IDLE });
  }

  const byId = new Map(traffic.nodes.map((n) => [n.id, n]));
  const ids = [...new Set([...incident.nodes, ...edges.flatMap((e) => [e.source, e.target])])];
  const nodes: GraphNode[] = ids.map((id) => {
    const known = byId.get(id);
    if (known) return known;
    const ref = parseNodeId(id);
    return { id, name: ref?.name ?? id, kind: ref?.kind ?? 'service', reportsSpans: false, ...IDLE };
  });
  const order = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { startMs: traffic.startMs, endMs: traffic.endMs, nodes: nodes.sort(order), edges: edges.sort(order) };
}
