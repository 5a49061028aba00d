// Breakers and broker lag on the service map: which edge a breaker guards (the owning service calling
// its target), which topic/queue node a lag group belongs to, and the time messages wait on the
// broker → consumer edge. Pure: the graph and the two API answers in, lookups out.
import type { BreakerWire, LagGroupResponse, LagWire } from '@/lib/contracts/health-api';
import type { ServiceGraph } from '@/lib/domain/service-graph/graph';
import { parseNodeId } from '@/lib/domain/service-graph/types';
import { BREAKER_SEVERITY } from '@/lib/domain/breakers/model';
import { SEVERITY } from '@/lib/domain/lag/burrow';
import { destinationMatches } from '@/lib/domain/lag/destination-match';

export { destinationMatches };

export interface HealthOverlay {
  /** Edge id → the worst breaker guarding it. */
  breakers: Map<string, BreakerWire>;
  /** Messaging node id → the worst lag group reading from it. */
  lag: Map<string, LagGroupResponse>;
}

/** Breaker states drawn on their edge; worse ones win (BREAKER_SEVERITY). */
const DRAWN_STATES = new Set<string>(['open', 'forced_open', 'suspected_open', 'half_open']);

export function buildHealthOverlay(graph: Pick<ServiceGraph, 'nodes' | 'edges'>, breakers: readonly BreakerWire[], lag: readonly LagGroupResponse[]): HealthOverlay {
  const out: HealthOverlay = { breakers: new Map(), lag: new Map() };
  for (const edge of graph.edges) {
    const source = parseNodeId(edge.source);
    const target = parseNodeId(edge.target);
    if (!source || !target || source.kind !== 'service') continue;
    for (const b of breakers) {
      if (b.service !== source.name || !DRAWN_STATES.has(b.state)) continue;
      if (b.target !== target.name && b.name !== target.name) continue;
      const current = out.breakers.get(edge.id);
      if (!current || BREAKER_SEVERITY[b.state] > BREAKER_SEVERITY[current.state]) out.breakers.set(edge.id, b);
    }
  }
  for (const node of graph.nodes) {
    if (node.kind !== 'messaging') continue;
    const consumers = graph.edges.filter((e) => e.source === node.id).map((e) => parseNodeId(e.target)?.name ?? '');
    for (const g of lag) {
      if (!destinationMatches(node.name, g.system, g.destination, consumers)) continue;
      const current = out.lag.get(node.id);
      if (!current || SEVERITY[g.status] > SEVERITY[current.status] || (g.status === current.status && g.lag > current.lag)) out.lag.set(node.id, g);
    }
  }
  return out;
}

/** The breaker list with one breaker's new state in place of its old one (a live `breaker-state`). */
export function mergeBreaker(list: readonly BreakerWire[] | undefined, breaker: BreakerWire): BreakerWire[] {
  const same = (b: BreakerWire) => b.service === breaker.service && b.name === breaker.name;
  return [breaker, ...(list ?? []).filter((b) => !same(b))];
}

/**
 * The lag list with one group's new status over its old entry (a live `lag-status`); undefined when
 * the group is not listed yet (the caller refetches: the wire lacks the list's `since`/`updated`).
 */
export function mergeLag(list: readonly LagGroupResponse[] | undefined, group: LagWire): LagGroupResponse[] | undefined {
  const same = (g: LagWire) => g.system === group.system && g.cluster === group.cluster && g.destination === group.destination && g.group === group.group;
  if (!list?.some(same)) return undefined;
  // The collector's wire has no traces: a lag in time the read side filled from traces stays until the next fetch.
  const keepTraces = (g: LagGroupResponse) => group.lagSeconds === null && g.lagSecondsSource === 'traces' && group.lag > 0;
  return list.map((g) => (same(g) ? { ...g, ...group, ...(keepTraces(g) ? { lagSeconds: g.lagSeconds, lagSecondsSource: g.lagSecondsSource } : {}) } : g));
}
