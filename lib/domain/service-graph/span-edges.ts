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
//
// This runs for every span the collector accepts, so it allocates little: results go straight to
// a sink instead of into per-span objects, and times are read without BigInt arithmetic.
import { SpanKind, StatusCode, type Nanos, type Span } from '../model';
import type { Pairing, SpanRef } from './edge-pairer';
import { USER_NODE, type ConnectionType, type EdgeObservation, type NodeRef, type OperationObservation } from './types';
import { databaseNode, internNode, isMessaging, messagingDestinationNode, peerNode } from './virtual-nodes';

interface HalfBase {
  /** The span's service as a node (edges are drawn between nodes; looked up once per resource). */
  service: NodeRef;
  environment: string;
  traceId: string;
  /** The span's own timestamps (no copies: the bigints are shared with the span). */
  startNs: Nanos;
  endNs: Nanos;
  /** Minute bucketing needs milliseconds only; a double of the nanoseconds is close enough. */
  timeMs: number;
  error: boolean;
  /**
   * The span id a request pair is filed under (a client's own, a server's parent's), so a half
   * can be handed to a pairing store shared by several collectors; unset on messaging halves.
   */
  pairSpanId?: string;
}

export interface InitiatorHalf extends HalfBase {
  role: 'client' | 'producer';
  /** client: the node to draw when no server answers; producer: its destination. */
  target: NodeRef | undefined;
}

export interface ResponderHalf extends HalfBase {
  role: 'server' | 'consumer';
  /** consumer: the destination it names. */
  destination: NodeRef | undefined;
}

export type Half = { initiator: InitiatorHalf } | { responder: ResponderHalf };

/** Where a span's contribution goes. */
export interface SpanSink {
  edge(observation: EdgeObservation): void;
  operation(observation: OperationObservation): void;
  /** `beforeWaiting` runs when the half is kept without a partner (see EdgePairer.addInitiator). */
  initiator(traceId: string, spanId: string, half: InitiatorHalf, pairing: Pairing, beforeWaiting?: (half: InitiatorHalf) => void): void;
  /** A responder of one span (its parent); a consumer's pairing is 'fan-out' (it waits as long as messages do). */
  responder(traceId: string, spanId: string, half: ResponderHalf, pairing: Pairing): void;
  /** A responder of whichever of these spans (a consumer's parent and links) it meets. */
  responderToAny(refs: SpanRef[], half: ResponderHalf, pairing: Pairing): void;
}

/** Services are named by every edge they take part in: one shared reference per name. */
export function serviceRef(name: string): NodeRef {
  return internNode('service', name);
}

/** True for the span kinds that can contribute anything; a cheap pre-filter for the hot path. */
export function mayContribute(span: Span): boolean {
  return (span.kind !== SpanKind.INTERNAL && span.kind !== SpanKind.UNSPECIFIED) || span.parentSpanId === '';
}

/** Microseconds from `start` to `end`, exact, 0 when the clock ran backwards. */
function micros(start: Nanos, end: Nanos): number {
  return end > start ? Number(end - start) / 1000 : 0;
}

export function observeSpan(span: Span, service: NodeRef, environment: string, sink: SpanSink): void {
  const { startNs, endNs } = span;
  const timeMs = Math.floor(Number(startNs) / 1e6);
  const error = span.statusCode === StatusCode.ERROR;
  const isRoot = span.parentSpanId === '';
  const kind = span.kind;
  if (isRoot || kind === SpanKind.SERVER || kind === SpanKind.CONSUMER) {
    sink.operation({
      service: service.name,
      environment,
      operation: span.name,
      spanKind: kind,
      timeMs,
      latencyUs: micros(startNs, endNs),
      error,
      traceId: span.traceId,
    });
  }
  switch (kind) {
    case SpanKind.CLIENT: {
      const database = databaseNode(span.attributes);
      if (database) {
        sink.edge(edge(service, database, 'database', environment, timeMs, micros(startNs, endNs), error, span.traceId));
      } else if (!isMessaging(span.attributes)) {
        // The peer is only drawn if no server answers: it is named only when the half has to wait.
        const half: InitiatorHalf = { role: 'client', service, environment, traceId: span.traceId, startNs, endNs, timeMs, error, target: undefined, pairSpanId: span.spanId };
        sink.initiator(span.traceId, span.spanId, half, 'once', (waiting) => (waiting.target = peerNode(span.attributes)));
      }
      return;
    }
    case SpanKind.SERVER:
      if (isRoot) sink.edge(edge(USER_NODE, service, 'request', environment, timeMs, micros(startNs, endNs), error, span.traceId));
      else {
        const half: ResponderHalf = {
          role: 'server',
          service,
          environment,
          traceId: span.traceId,
          startNs,
          endNs,
          timeMs,
          error,
          destination: undefined,
          pairSpanId: span.parentSpanId,
        };
        sink.responder(span.traceId, span.parentSpanId, half, 'once');
      }
      return;
    case SpanKind.PRODUCER: {
      const destination = messagingDestinationNode(span.attributes);
      if (destination) sink.edge(edge(service, destination, 'messaging', environment, timeMs, micros(startNs, endNs), error, span.traceId));
      const half: InitiatorHalf = { role: 'producer', service, environment, traceId: span.traceId, startNs, endNs, timeMs, error, target: destination };
      sink.initiator(span.traceId, span.spanId, half, 'fan-out');
      return;
    }
    case SpanKind.CONSUMER: {
      const refs: SpanRef[] = isRoot ? [] : [{ traceId: span.traceId, spanId: span.parentSpanId }];
      for (const link of span.links) refs.push(link);
      const half: ResponderHalf = {
        role: 'consumer',
        service,
        environment,
        traceId: span.traceId,
        startNs,
        endNs,
        timeMs,
        error,
        destination: messagingDestinationNode(span.attributes),
      };
      if (refs.length === 1) sink.responder(refs[0]!.traceId, refs[0]!.spanId, half, 'fan-out');
      else if (refs.length > 1) sink.responderToAny(refs, half, 'fan-out');
      else unpairedEdges({ responder: half }, (o) => sink.edge(o));
      return;
    }
  }
}

/**
 * The edges a pair makes. `index` counts the initiator's earlier pairings: a producer that names no
 * destination reaches the consumer's destination only once, however many consumers it fans out to.
 */
export function pairedEdges(initiator: InitiatorHalf, responder: ResponderHalf, index: number, emit: (o: EdgeObservation) => void): void {
  if (initiator.role === 'client') {
    if (responder.role !== 'server' || initiator.service.name === responder.service.name) return;
    // A request's error is the caller's experience: either side failing fails the call.
    emit(
      edge(
        initiator.service,
        responder.service,
        'request',
        initiator.environment,
        initiator.timeMs,
        micros(initiator.startNs, initiator.endNs),
        initiator.error || responder.error,
        initiator.traceId,
      ),
    );
    return;
  }
  if (responder.role !== 'consumer') return;
  const destination = initiator.target ?? responder.destination;
  // Time in the broker: from the end of the publish to the start of the processing (Tempo's
  // messaging-system latency); a consumer whose clock runs behind counts as zero, not negative.
  const inBrokerUs = micros(initiator.endNs, responder.startNs);
  const consumer = responder.service;
  if (!destination) {
    emit(edge(initiator.service, consumer, 'messaging', responder.environment, responder.timeMs, inBrokerUs, responder.error, responder.traceId));
    return;
  }
  if (!initiator.target && index === 0) {
    const { environment, timeMs, error, traceId } = initiator;
    emit(edge(initiator.service, destination, 'messaging', environment, timeMs, micros(initiator.startNs, initiator.endNs), error, traceId));
  }
  emit(edge(destination, consumer, 'messaging', responder.environment, responder.timeMs, inBrokerUs, responder.error, responder.traceId));
}

/** The edges a half makes when it never met its partner (expired or evicted from the store). */
export function unpairedEdges(half: Half, emit: (o: EdgeObservation) => void): void {
  if ('initiator' in half) {
    const { initiator } = half;
    // A producer's edge to its destination was drawn when it arrived; a client without a peer
    // attribute cannot be drawn.
    if (initiator.role !== 'client' || !initiator.target) return;
    const { environment, timeMs, error, traceId } = initiator;
    emit(edge(initiator.service, initiator.target, 'virtual', environment, timeMs, micros(initiator.startNs, initiator.endNs), error, traceId));
    return;
  }
  const { responder } = half;
  // A SERVER span whose client never arrived (sampled out, or too late) is not guessed at.
  if (responder.role !== 'consumer' || !responder.destination) return;
  const { environment, timeMs, error, traceId } = responder;
  emit(edge(responder.destination, responder.service, 'messaging', environment, timeMs, undefined, error, traceId));
}

function edge(
  source: NodeRef,
  target: NodeRef,
  connectionType: ConnectionType,
  environment: string,
  timeMs: number,
  latencyUs: number | undefined,
  error: boolean,
  traceId: string,
): EdgeObservation {
  return { source, target, connectionType, environment, timeMs, latencyUs, error, traceId };
}
