// Incidents from alerts: firing alert episodes that overlap in time (with a little slack, alerts
// detected a scrape apart still belong together) and touch the same or adjacent nodes of the
// service graph are grouped, transitively, into one incident: its start and end, nodes, signals and
// the first signal to fire. The suspected root cause is the earliest signal in the most upstream
// service — "upstream" as Envoy says it, the callee: failures travel from a callee to its callers,
// so among the nodes carrying signals we pick those with no signalling node further down their
// calls, then the earliest of them. It is stated as a suggestion with the evidence that led to it.
//
// Nodes are service-graph node ids (`service:orders`, `messaging:rabbitmq/order.created`, see
// lib/domain/service-graph/types.ts). A lag alert names what the broker's metrics name (a RabbitMQ
// queue, a Kafka topic and consumer group, a JetStream stream and consumer), not what the spans
// name (often the exchange or subject): it is placed on the graph's messaging node(s) it belongs to
// by lib/domain/lag's destination rule, the same the map's lag badges use, plus the consumer
// services the queue or group is named after. Pure: episodes and edges in, incidents out.
import { destinationMatches } from '../lag/destination-match';

export interface AlertEpisode {
  /** Stable: rule id, label set and when it became active. */
  id: string;
  ruleId: string;
  alertname: string;
  /** breaker | lag | error_rate | latency | logs | promql (the `signal` label, else promql). */
  signal: string;
  labels: Record<string, string>;
  summary: string;
  startMs: number;
  /** Null while firing. */
  endMs: number | null;
  value: number;
}

export interface GraphEdge {
  source: string;
  target: string;
}

export interface RootCause {
  node: string;
  /** A service to look at (a lagging queue's only consumer, else the node's service name). */
  service: string | null;
  episodeId: string;
  statement: string;
  evidence: string[];
}

export interface Incident {
  id: string;
  startMs: number;
  endMs: number | null;
  /** Every node its signals touch, plus nothing else. */
  nodes: string[];
  /** The services among `nodes` (names). */
  services: string[];
  signals: string[];
  episodes: AlertEpisode[];
  firstEpisodeId: string;
  rootCause: RootCause | null;
}

export interface GroupingOptions {
  /** Episodes this close in time still overlap (one evaluation interval). */
  slackMs: number;
}

export const DEFAULT_GROUPING: GroupingOptions = { slackMs: 15_000 };

const service = (name: string) => `service:${name}`;
const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The graph's messaging nodes with the services consuming from each, for placing lag alerts. */
export interface GraphIndex {
  messaging: Array<{ node: string; name: string; consumers: string[] }>;
}

export function indexGraph(edges: readonly GraphEdge[]): GraphIndex {
  const consumers = new Map<string, Set<string>>();
  const add = (node: string) => {
    if (node.startsWith('messaging:') && !consumers.has(node)) consumers.set(node, new Set());
  };
  for (const e of edges) {
    add(e.source);
    add(e.target);
    if (e.source.startsWith('messaging:') && e.target.startsWith('service:')) consumers.get(e.source)!.add(e.target.slice('service:'.length));
  }
  return {
    messaging: [...consumers]
      .map(([node, set]) => ({ node, name: node.slice('messaging:'.length), consumers: [...set].sort() }))
      .sort((a, b) => a.node.localeCompare(b.node)),
  };
}

const EMPTY_GRAPH: GraphIndex = { messaging: [] };

/**
 * The nodes a broker's queue / consumer group is on: the messaging nodes it matches (name, routing
 * key or consumer-named queue), plus those nodes' consumers that the queue or group is named after
 * (`meshlight-demo.notifier.order-created` → notifier; a Kafka group `notifier`); without a match,
 * a messaging node of its own name.
 */
export function queueNodes(labels: Record<string, string>, graph: GraphIndex): string[] {
  const system = labels.system ?? '';
  const destination = labels.destination!;
  const matched = graph.messaging.filter((m) => destinationMatches(m.name, system, destination, m.consumers));
  if (!matched.length) return [`messaging:${system ? `${system}/` : ''}${destination}`];
  const named = [squash(destination), squash(labels.group ?? '')];
  const consumers = matched.flatMap((m) => m.consumers.filter((c) => squash(c).length >= 3 && named.some((n) => n.includes(squash(c)))));
  return [...new Set([...matched.map((m) => m.node), ...consumers.map(service)])];
}

/** The nodes an alert touches, from its labels (queues placed on `graph`'s messaging nodes). */
export function touchedNodes(e: AlertEpisode, graph: GraphIndex = EMPTY_GRAPH): string[] {
  const l = e.labels;
  const out = new Set<string>();
  if (l.service) out.add(service(l.service));
  if (l.target) out.add(service(l.target));
  if (l.destination) for (const n of queueNodes(l, graph)) out.add(n);
  if (!out.size && l.job) out.add(service(l.job));
  return [...out];
}

/** The node the alert's evidence points at: a breaker's target, a queue's messaging node, else its service. */
export function subjectNode(e: AlertEpisode, graph: GraphIndex = EMPTY_GRAPH): string | undefined {
  const l = e.labels;
  if (e.signal === 'breaker' && l.target) return service(l.target);
  if (l.destination) return queueNodes(l, graph)[0];
  return touchedNodes(e, graph)[0];
}

export function groupIncidents(episodes: readonly AlertEpisode[], edges: readonly GraphEdge[], options: GroupingOptions = DEFAULT_GROUPING): Incident[] {
  const list = episodes.slice().sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  const adjacent = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    let s = adjacent.get(a);
    if (!s) adjacent.set(a, (s = new Set()));
    s.add(b);
  };
  for (const e of edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }
  const graph = indexGraph(edges);
  const nodesOf = list.map((e) => touchedNodes(e, graph));
  const parent = list.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const end = (e: AlertEpisode) => (e.endMs ?? Infinity) + options.slackMs;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      if (!(a.startMs <= end(b) && b.startMs <= end(a))) continue;
      if (connected(nodesOf[i]!, nodesOf[j]!, adjacent)) parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, AlertEpisode[]>();
  list.forEach((e, i) => {
    const root = find(i);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = []));
    g.push(e);
  });
  const incidents = [...groups.values()].map((g) => toIncident(g, edges, graph));
  return incidents.sort((a, b) => b.startMs - a.startMs);
}

function connected(a: readonly string[], b: readonly string[], adjacent: Map<string, Set<string>>): boolean {
  for (const x of a) {
    for (const y of b) if (x === y || adjacent.get(x)?.has(y)) return true;
  }
  return false;
}

function toIncident(episodes: AlertEpisode[], edges: readonly GraphEdge[], graph: GraphIndex): Incident {
  const first = episodes[0]!;
  const nodes = [...new Set(episodes.flatMap((e) => touchedNodes(e, graph)))].sort();
  const ends = episodes.map((e) => e.endMs);
  return {
    id: incidentId(first),
    startMs: first.startMs,
    endMs: ends.some((e) => e === null) ? null : Math.max(...(ends as number[])),
    nodes,
    services: nodes.filter((n) => n.startsWith('service:')).map((n) => n.slice('service:'.length)),
    signals: [...new Set(episodes.map((e) => e.signal))],
    episodes,
    firstEpisodeId: first.id,
    rootCause: suspectRootCause(episodes, edges, graph),
  };
}

/** FNV-1a of the first episode's id: the incident keeps its id as later alerts join it. */
export function incidentId(first: AlertEpisode): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < first.id.length; i++) {
    h ^= first.id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${first.startMs.toString(36)}-${h.toString(16).padStart(8, '0')}`;
}

export function suspectRootCause(episodes: readonly AlertEpisode[], edges: readonly GraphEdge[], graph: GraphIndex = indexGraph(edges)): RootCause | null {
  const subjects = new Map<string, AlertEpisode[]>();
  for (const e of episodes) {
    const node = subjectNode(e, graph);
    if (!node) continue;
    let list = subjects.get(node);
    if (!list) subjects.set(node, (list = []));
    list.push(e);
  }
  if (subjects.size === 0) return null;
  const callees = new Map<string, string[]>();
  for (const e of edges) {
    let list = callees.get(e.source);
    if (!list) callees.set(e.source, (list = []));
    list.push(e.target);
  }
  // Nodes with signals reachable by following calls from `node` (not through itself).
  const downstreamWithSignals = (node: string): string[] => {
    const seen = new Set<string>([node]);
    const queue = [...(callees.get(node) ?? [])];
    const found: string[] = [];
    while (queue.length) {
      const n = queue.shift()!;
      if (seen.has(n)) continue;
      seen.add(n);
      if (subjects.has(n)) found.push(n);
      queue.push(...(callees.get(n) ?? []));
    }
    return found;
  };
  const candidates = [...subjects.keys()].filter((n) => downstreamWithSignals(n).every((d) => downstreamWithSignals(d).includes(n))); // a cycle counts as one level
  const pool = candidates.length ? candidates : [...subjects.keys()];
  const earliest = (n: string) => Math.min(...subjects.get(n)!.map((e) => e.startMs));
  pool.sort((a, b) => earliest(a) - earliest(b) || a.localeCompare(b));
  const node = pool[0]!;
  const episode = subjects.get(node)!.slice().sort((a, b) => a.startMs - b.startMs)[0]!;
  const callers = [...subjects.keys()].filter((n) => n !== node && downstreamWithSignals(n).includes(node));
  const consumers = node.startsWith('messaging:') ? edges.filter((e) => e.source === node && e.target.startsWith('service:')).map((e) => e.target.slice(8)) : [];
  const svc = node.startsWith('service:') ? node.slice(8) : consumers.length === 1 ? consumers[0]! : null;
  const label = node.startsWith('messaging:') ? `queue ${node.slice(10)}${consumers.length ? ` (consumed by ${consumers.join(', ')})` : ''}` : node.replace(/^service:/, '');
  const evidence = [`${episode.alertname} fired at ${new Date(episode.startMs).toISOString()}: ${episode.summary}`];
  if (callers.length) evidence.push(`the other signals are on its callers, which depend on it: ${callers.map((c) => c.replace(/^[a-z]+:/, '')).join(', ')}`);
  else if (subjects.size > 1) evidence.push('no signalling service it calls: it is the most upstream of the signalling nodes');
  const firstOverall = episodes.reduce((a, b) => (b.startMs < a.startMs ? b : a));
  const firstWhere = `${firstOverall.alertname} on ${subjectNode(firstOverall, graph)?.replace(/^[a-z]+:/, '') ?? '?'}`;
  const lagS = Math.round((episode.startMs - firstOverall.startMs) / 1000);
  evidence.push(
    firstOverall.id === episode.id
      ? 'it was the first signal of the incident'
      : lagS === 0
        ? `it fired together with the first signal (${firstWhere})`
        : `the first signal was ${firstWhere}, ${lagS} s earlier`,
  );
  return {
    node,
    service: svc,
    episodeId: episode.id,
    statement: `Suspected root cause: ${label} — its ${episode.alertname} is the earliest signal in the most upstream service involved.`,
    evidence,
  };
}
