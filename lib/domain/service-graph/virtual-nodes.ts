// Names the nodes that report no spans of their own — databases, caches, brokers, uninstrumented
// peers — from the attributes of the spans that talk to them, accepting the semantic-convention
// names of every version still in the wild (old first-generation names and the current ones):
//
//   peer service   service.peer.name (semconv ≥ 1.36)            peer.service (older)
//   database       db.system.name (≥ 1.30) + db.namespace (≥ 1.26)  db.system + db.name (older)
//   messaging      messaging.system + messaging.destination.name (≥ 1.17)
//                  messaging.destination (≤ 1.16), messaging.source.name (consumers, 1.17–1.20)
//   address        server.address + server.port (≥ 1.21)          net.peer.name + net.peer.port,
//                  http.host, the host of url.full / http.url (older HTTP conventions)
//   environment    deployment.environment.name (≥ 1.27, resource)  deployment.environment (older)
import type { Attributes, AttributeValue } from '../model';
import type { NodeKind, NodeRef } from './types';

function text(value: AttributeValue | undefined): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function first(attributes: Attributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = text(attributes[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

const PEER_SERVICE_KEYS = ['service.peer.name', 'peer.service'] as const;
const DB_SYSTEM_KEYS = ['db.system.name', 'db.system'] as const;
const DB_NAMESPACE_KEYS = ['db.namespace', 'db.name'] as const;
const MESSAGING_DESTINATION_KEYS = ['messaging.destination.name', 'messaging.destination', 'messaging.source.name'] as const;
const ADDRESS_KEYS = ['server.address', 'net.peer.name', 'http.host'] as const;
const PORT_KEYS = ['server.port', 'net.peer.port'] as const;
const URL_KEYS = ['url.full', 'http.url'] as const;
const ENVIRONMENT_KEYS = ['deployment.environment.name', 'deployment.environment'] as const;

/** Key-value stores used as caches: drawn as caches rather than databases. */
const CACHE_SYSTEMS = new Set(['redis', 'memcached', 'valkey', 'hazelcast', 'aerospike', 'coherence', 'geode', 'ignite']);

// One reference per inferred node: the collector keys its rollups by reference, and a database or a
// topic is named on every span that uses it. Bounded: a flood of names empties a kind's cache.
const interned = new Map<NodeKind, Map<string, NodeRef>>();
export function internNode(kind: NodeKind, name: string): NodeRef {
  let byName = interned.get(kind);
  if (!byName) interned.set(kind, (byName = new Map()));
  let ref = byName.get(name);
  if (!ref) {
    if (byName.size >= 10_000) byName.clear();
    byName.set(name, (ref = { kind, name }));
  }
  return ref;
}

/** The environment a resource reports, '' when none. */
export function environmentOf(resourceAttributes: Attributes): string {
  return first(resourceAttributes, ENVIRONMENT_KEYS) ?? '';
}

/** True when a span talks to a database (so it will never meet an instrumented server half). */
export function isDatabaseCall(attributes: Attributes): boolean {
  return first(attributes, DB_SYSTEM_KEYS) !== undefined;
}

/** True when a span describes a messaging operation. */
export function isMessaging(attributes: Attributes): boolean {
  return text(attributes['messaging.system']) !== undefined;
}

/**
 * The database or cache a CLIENT span calls: `postgresql/orders`, `redis`. A cache's numeric
 * namespace (Redis database index "0") says nothing useful and is left out.
 */
export function databaseNode(attributes: Attributes): NodeRef | undefined {
  const system = first(attributes, DB_SYSTEM_KEYS);
  if (system === undefined) return undefined;
  const namespace = first(attributes, DB_NAMESPACE_KEYS) ?? '';
  return databaseNodes.get(system, namespace);
}

/**
 * Nodes named from two attribute values, remembered by the pair: every database call and message
 * names its node, and building the name (and classifying it) each time showed in the ingest profile.
 * Bounded like internNode.
 */
class NodesByPair {
  private byFirst = new Map<string, Map<string, NodeRef>>();
  private count = 0;

  constructor(private readonly make: (a: string, b: string) => NodeRef) {}

  get(a: string, b: string): NodeRef {
    let bySecond = this.byFirst.get(a);
    if (!bySecond) this.byFirst.set(a, (bySecond = new Map()));
    let ref = bySecond.get(b);
    if (!ref) {
      if (this.count >= 10_000) {
        this.byFirst = new Map([[a, (bySecond = new Map())]]);
        this.count = 0;
      }
      bySecond.set(b, (ref = this.make(a, b)));
      this.count++;
    }
    return ref;
  }
}

const databaseNodes = new NodesByPair((system, namespace) => {
  const cache = CACHE_SYSTEMS.has(system.toLowerCase());
  const name = namespace !== '' && !(cache && /^\d+$/.test(namespace)) ? `${system}/${namespace}` : system;
  return internNode(cache ? 'cache' : 'database', name);
});
/** Keyed by system ('' when not given) and destination. */
const destinationNodes = new NodesByPair((system, destination) => internNode('messaging', system !== '' ? `${system}/${destination}` : destination));

/**
 * The broker destination a PRODUCER or CONSUMER span names: `rabbitmq/orders.created`, or the
 * destination alone when the system is not given. Temporary destinations (reply queues with random
 * names) are named by their template, or collapsed into one `(temporary)` node per system, so that
 * they do not flood the map.
 */
export function messagingDestinationNode(attributes: Attributes): NodeRef | undefined {
  const system = text(attributes['messaging.system']);
  const temporary =
    attributes['messaging.destination.temporary'] === true || attributes['messaging.destination.anonymous'] === true;
  const destination = temporary
    ? (text(attributes['messaging.destination.template']) ?? '(temporary)')
    : (text(attributes['messaging.destination.template']) ?? first(attributes, MESSAGING_DESTINATION_KEYS));
  if (destination === undefined) return undefined;
  return destinationNodes.get(system ?? '', destination);
}

/** host[:port] a CLIENT span calls; the port only when it is not the scheme's default. */
export function peerAddress(attributes: Attributes): string | undefined {
  let host = first(attributes, ADDRESS_KEYS);
  let port = first(attributes, PORT_KEYS);
  if (host === undefined) {
    const url = first(attributes, URL_KEYS);
    if (url !== undefined) {
      try {
        const parsed = new URL(url);
        host = parsed.hostname || undefined;
        port = parsed.port || undefined;
      } catch {
        return undefined;
      }
    }
  }
  if (host === undefined) return undefined;
  // http.host may carry its own port ("api.example.com:8443").
  if (port === undefined && /^[^:[\]]+:\d+$/.test(host)) [host, port] = host.split(':') as [string, string];
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (port === undefined || port === '80' || port === '443') return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The peer a CLIENT span that is not a database call names, drawn when no server answers it: its
 * peer service, else the address it connects to. Undefined when it says nothing about its peer
 * (then it cannot be drawn, only counted). A database call goes to its database instead, at once,
 * whatever peer it names.
 */
export function peerNode(attributes: Attributes): NodeRef | undefined {
  const peerService = first(attributes, PEER_SERVICE_KEYS);
  if (peerService !== undefined) return internNode('external', peerService);
  const address = peerAddress(attributes);
  return address !== undefined ? internNode('external', address) : undefined;
}
