// The vocabulary of the service graph, shared by the collector (which derives edges at ingest), the
// query side (which assembles the graph from per-minute rollups) and the UI. Pure types and tiny
// helpers only; no I/O.
//
// Units: `*Ms` are Unix-epoch milliseconds or millisecond durations, `*Us` microsecond durations.

/**
 * What a node on the map stands for. Only `service` nodes report spans of their own; the others are
 * inferred from the spans that call them (databases, caches, brokers, uninstrumented peers) or, for
 * `user`, from a root SERVER span that nobody instrumented called.
 */
export type NodeKind = 'service' | 'database' | 'cache' | 'messaging' | 'external' | 'user';
export const NODE_KINDS: readonly NodeKind[] = ['service', 'database', 'cache', 'messaging', 'external', 'user'];

/**
 * How the two ends talk: `request` (a CLIENT span paired with the SERVER span it caused, or a user
 * calling a root SERVER span), `messaging` (through a broker destination, or producer → consumer
 * directly when no destination is named), `database` (a CLIENT span with `db.system`), `virtual`
 * (a CLIENT span whose server half never arrived; the target is named from the span's peer
 * attributes).
 */
export type ConnectionType = 'request' | 'messaging' | 'database' | 'virtual';
export const CONNECTION_TYPES: readonly ConnectionType[] = ['request', 'messaging', 'database', 'virtual'];

export interface NodeRef {
  kind: NodeKind;
  name: string;
}

/** The name of the one node standing for callers nobody instrumented (browsers, curl, cron). */
export const USER_NODE: NodeRef = { kind: 'user', name: 'user' };

/** A node's id on the graph and in URLs: `service:checkout`, `database:postgresql/orders`, `user:user`. */
export function nodeId(ref: NodeRef): string {
  return `${ref.kind}:${ref.name}`;
}

export function parseNodeId(id: string): NodeRef | undefined {
  const colon = id.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = id.slice(0, colon) as NodeKind;
  return NODE_KINDS.includes(kind) ? { kind, name: id.slice(colon + 1) } : undefined;
}

export function serviceNode(name: string): NodeRef {
  return { kind: 'service', name };
}

export function edgeId(source: string, target: string, connectionType: ConnectionType): string {
  return `${source}->${target}#${connectionType}`;
}

/**
 * One call (or message) along an edge, as the collector derives it from spans. Rolled up per
 * minute (rollup.ts) and pushed live; never stored one by one.
 */
export interface EdgeObservation {
  source: NodeRef;
  target: NodeRef;
  connectionType: ConnectionType;
  /** `deployment.environment(.name)` of the calling side ('' when unknown). */
  environment: string;
  /** When the call started (the initiating span's start). */
  timeMs: number;
  /**
   * How long the edge took: the client's duration for requests and database calls, the producer's
   * for service → broker, the time in the broker (consumer start − producer end) for broker →
   * consumer. Undefined when the edge has no duration to report (a consumer whose producer never
   * arrived): the call still counts, the latency histogram does not.
   */
  latencyUs: number | undefined;
  error: boolean;
  /** A trace this call is part of, kept as an exemplar (slowest, latest failing). */
  traceId: string;
}

/**
 * One unit of work a service did for someone else: a SERVER or CONSUMER span, or a root span of
 * any kind (a job, a script). The service's and operation's RED come from these.
 */
export interface OperationObservation {
  service: string;
  environment: string;
  /** The span name. */
  operation: string;
  /** OTLP span kind number. */
  spanKind: number;
  timeMs: number;
  latencyUs: number;
  error: boolean;
  traceId: string;
}
