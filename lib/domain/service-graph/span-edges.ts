// What one span contributes to the service graph, and what two halves make once paired. The
// rules, by span kind (OTLP SpanKind):
//
//   CLIENT + db.system(.name)    → service ─database→ database/cache node, at once (databases are
//                                  never instrumented, so there is no server half to wait for)
//   CLIENT + messaging.system    → nothing (receive/settle calls; the PRODUCER and CONSUMER spans
//                                  carry the flow)
//   CLIENT                       → initiator half keyed by (traceId, spanId). Paired with its SERVER
//                                  child in another service: client ─request→ server. Never paired:
//                                  client ─virtual→ peer named by virtual-nodes.ts, if any.
//   SERVER without parent        → user ─request→ service, at once
//   SERVER with parent           → responder half keyed by the parent's (traceId, spanId)
//   PRODUCER                     → service ─messaging→ destination at once (when named), and an
//                                  initiator half for the consumers (fan-out)
//   CONSUMER                     → responder half under its parent's key and every link's key.
//                                  Paired: destination ─messaging→ consumer, latency = time in the
//                                  broker; producer ─messaging→ consumer directly when neither side
//                                  names a destination. Never paired: destination → consumer
//                                  without a latency, when the consumer names its destination.
//
// SERVER and CONSUMER spans, and root spans of any kind, are also the services' units of work:
// their RED (rate, errors, duration) per operation.
import { SpanKind, StatusCode, type Span } from '../model';
import { pairingKey, type Pairing } from './edge-pairer';
import { USER_NODE, serviceNode, type EdgeObservation, type NodeRef, type OperationObservation } from './types';
import { databaseNode, isMessaging, messagingDestinationNode, virtualPeerNode } from './virtual-nodes';

interface HalfBase {
  service: string;
  environment: string;
  traceId: string;
  /** Unix microseconds (below 2^53 until the year 2255). */
  startUs: number;
  endUs: number;
  error: boolean;
}

export interface InitiatorHalf extends HalfBase {
  role: 'client' | 'producer';
  /** client: the node to draw when no server answers; producer: its destination. */
  target?: NodeRef;
}

export interface ResponderHalf extends HalfBase {
  role: 'server' | 'consumer';
  /** consumer: the destination it names. */
  destination?: NodeRef;
}

export interface SpanContribution {
  /** Edges this span makes on its own, known at once. */
  edges: EdgeObservation[];
  operation?: OperationObservation;
  initiator?: { key: string; half: InitiatorHalf; pairing: Pairing };
  responder?: { keys: string[]; half: ResponderHalf };
}

const NANOS_PER_MICRO = 1000n;

/** True for the span kinds that can contribute anything; a cheap pre-filter for the hot path. */
export function mayContribute(span: Span): boolean {
  return span.kind !== SpanKind.INTERNAL && span.kind !== SpanKind.UNSPECIFIED ? true : span.parentSpanId === '';
}

export function spanContribution(span: Span, service: string, environment: string): SpanContribution {
  const contribution: SpanContribution = { edges: [] };
  const startUs = Number(span.startNs / NANOS_PER_MICRO);
  const endUs = Math.max(startUs, Number(span.endNs / NANOS_PER_MICRO));
  const base: HalfBase = {
    service,
    environment,
    traceId: span.traceId,
    startUs,
    endUs,
    error: span.statusCode === StatusCode.ERROR,
  };
  const isRoot = span.parentSpanId === '';
  if (isRoot || span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER) {
    contribution.operation = {
      service,
      environment,
      operation: span.name,
      spanKind: span.kind,
      timeMs: Math.floor(startUs / 1000),
      latencyUs: endUs - startUs,
      error: base.error,
      traceId: span.traceId,
    };
  }
  switch (span.kind) {
    case SpanKind.CLIENT: {
      const database = databaseNode(span.attributes);
      if (database) {
        contribution.edges.push(edge(serviceNode(service), database, 'database', base, endUs - startUs));
      } else if (!isMessaging(span.attributes)) {
        contribution.initiator = {
          key: pairingKey(span.traceId, span.spanId),
          half: { ...base, role: 'client', target: virtualPeerNode(span.attributes) },
          pairing: 'once',
        };
      }
      break;
    }
    case SpanKind.SERVER:
      if (isRoot) contribution.edges.push(edge(USER_NODE, serviceNode(service), 'request', base, endUs - startUs));
      else contribution.responder = { keys: [pairingKey(span.traceId, span.parentSpanId)], half: { ...base, role: 'server' } };
      break;
    case SpanKind.PRODUCER: {
      const destination = messagingDestinationNode(span.attributes);
      if (destination) contribution.edges.push(edge(serviceNode(service), destination, 'messaging', base, endUs - startUs));
      contribution.initiator = {
        key: pairingKey(span.traceId, span.spanId),
        half: { ...base, role: 'producer', target: destination },
        pairing: 'fan-out',
      };
      break;
    }
    case SpanKind.CONSUMER: {
      const keys = isRoot ? [] : [pairingKey(span.traceId, span.parentSpanId)];
      for (const link of span.links) keys.push(pairingKey(link.traceId, link.spanId));
      const destination = messagingDestinationNode(span.attributes);
      const half: ResponderHalf = { ...base, role: 'consumer', destination };
      if (keys.length > 0) contribution.responder = { keys, half };
      else contribution.edges.push(...unpairedEdges({ responder: half }));
      break;
    }
  }
  return contribution;
}

/**
 * The edges a pair makes. `index` counts the initiator's earlier pairings: a producer that names no
 * destination reaches the consumer's destination only once, however many consumers it fans out to.
 */
export function pairedEdges(initiator: InitiatorHalf, responder: ResponderHalf, index: number): EdgeObservation[] {
  if (initiator.role === 'client') {
    if (responder.role !== 'server' || initiator.service === responder.service) return [];
    // A request's error is the caller's experience: either side failing fails the call.
    const call = { ...initiator, error: initiator.error || responder.error };
    return [edge(serviceNode(initiator.service), serviceNode(responder.service), 'request', call, initiator.endUs - initiator.startUs)];
  }
  if (responder.role !== 'consumer') return [];
  const destination = initiator.target ?? responder.destination;
  // Time in the broker: from the end of the publish to the start of the processing (Tempo's
  // messaging-system latency); a consumer whose clock runs behind counts as zero, not negative.
  const inBrokerUs = Math.max(0, responder.startUs - initiator.endUs);
  if (!destination) {
    return [edge(serviceNode(initiator.service), serviceNode(responder.service), 'messaging', responder, inBrokerUs)];
  }
  const edges = [edge(destination, serviceNode(responder.service), 'messaging', responder, inBrokerUs)];
  if (!initiator.target && index === 0) {
    edges.unshift(edge(serviceNode(initiator.service), destination, 'messaging', initiator, initiator.endUs - initiator.startUs));
  }
  return edges;
}

/** The edges a half makes when it never met its partner (expired or evicted from the store). */
export function unpairedEdges(half: { initiator: InitiatorHalf } | { responder: ResponderHalf }): EdgeObservation[] {
  if ('initiator' in half) {
    const { initiator } = half;
    // A producer's edge to its destination was drawn when it arrived; a client without a peer
    // attribute cannot be drawn.
    if (initiator.role !== 'client' || !initiator.target) return [];
    return [edge(serviceNode(initiator.service), initiator.target, 'virtual', initiator, initiator.endUs - initiator.startUs)];
  }
  const { responder } = half;
  // A SERVER span whose client never arrived (sampled out, or too late) is not guessed at.
  if (responder.role !== 'consumer' || !responder.destination) return [];
  return [edge(responder.destination, serviceNode(responder.service), 'messaging', responder, undefined)];
}

function edge(
  source: NodeRef,
  target: NodeRef,
  connectionType: EdgeObservation['connectionType'],
  half: HalfBase,
  latencyUs: number | undefined,
): EdgeObservation {
  return {
    source,
    target,
    connectionType,
    environment: half.environment,
    timeMs: Math.floor(half.startUs / 1000),
    latencyUs,
    error: half.error,
    traceId: half.traceId,
  };
}
