// Puts span-edges.ts and edge-pairer.ts together: spans in, edge and operation observations out
// through a sink, as they become known (at once, when a pair completes, or when a half expires).
// The collector runs one EdgeDeriver over everything it accepts; deriveTraceEdges() runs one over a
// single complete trace (golden tests, highlighting a trace's path on the map). The clock is injected.
import type { Span, TraceBatch } from '../model';
import { EdgePairer, type EdgePairerStats } from './edge-pairer';
import { mayContribute, observeSpan, pairedEdges, serviceRef, unpairedEdges, type Half, type InitiatorHalf, type ResponderHalf, type SpanSink } from './span-edges';
import type { EdgeObservation, NodeRef, OperationObservation } from './types';
import { environmentOf } from './virtual-nodes';

export interface ObservationSink {
  edge(observation: EdgeObservation): void;
  operation(observation: OperationObservation): void;
}

export interface EdgeDeriverOptions {
  /** How long a request half (CLIENT or SERVER) waits for its partner. */
  ttlMs: number;
  /**
   * How long a messaging half (PRODUCER or CONSUMER) waits: as long as a message may sit in a queue,
   * since that wait is the time in queue the pair measures. `ttlMs` when unset.
   */
  messagingTtlMs?: number;
  /** Most halves waiting at once. */
  maxPending: number;
  now(): number;
  /**
   * Offered every half that waited out its TTL unpaired, before it is drawn as unpaired; returning
   * true takes it over (a pairing store shared by several collectors, whose partner half may have
   * arrived at another one). Evicted halves are never offered: the store is full, not waiting.
   */
  handOff?(half: Half): boolean;
}

export class EdgeDeriver {
  private readonly pairer: EdgePairer<InitiatorHalf, ResponderHalf>;
  private readonly spanSink: SpanSink;

  constructor(options: EdgeDeriverOptions, sink: ObservationSink) {
    const emit = (edge: EdgeObservation) => sink.edge(edge);
    this.pairer = new EdgePairer<InitiatorHalf, ResponderHalf>(
      { ttlMs: options.ttlMs, fanOutTtlMs: options.messagingTtlMs, maxEntries: options.maxPending, now: options.now },
      {
        onPaired: (initiator, responder, index) => pairedEdges(initiator, responder, index, emit),
        onExpired: (half) => {
          if (!options.handOff?.(half)) unpairedEdges(half, emit);
        },
        // An evicted half is drawn as best it can be, like an expired one; the store counts it.
        onDropped: (half) => unpairedEdges(half, emit),
      },
    );
    this.spanSink = {
      edge: emit,
      operation: (o) => sink.operation(o),
      initiator: (traceId, spanId, half, pairing, beforeWaiting) => this.pairer.addInitiator(traceId, spanId, half, pairing, beforeWaiting),
      responder: (traceId, spanId, half, pairing) => this.pairer.addResponder(traceId, spanId, half, pairing),
      responderToAny: (refs, half, pairing) => this.pairer.addResponderToAny(refs, half, pairing),
    };
  }

  get stats(): Readonly<EdgePairerStats> {
    return this.pairer.stats;
  }

  get pending(): number {
    return this.pairer.size;
  }

  /** Messaging keys waiting (part of `pending`). */
  get messagingPending(): number {
    return this.pairer.fanOutSize;
  }

  observe(span: Span, service: string, environment: string): void {
    this.observeAs(span, serviceRef(service), environment);
  }

  observeBatch(batch: TraceBatch): void {
    for (const rs of batch.resourceSpans) {
      const environment = environmentOf(rs.resource.attributes);
      // One node lookup per resource, not per span.
      const service = serviceRef(rs.serviceName);
      for (const ss of rs.scopeSpans) for (const span of ss.spans) this.observeAs(span, service, environment);
    }
  }

  private observeAs(span: Span, service: NodeRef, environment: string): void {
    if (mayContribute(span)) observeSpan(span, service, environment, this.spanSink);
  }

  /** Expires halves past their TTL; call it on a timer. */
  expire(): number {
    return this.pairer.expire();
  }

  expireAll(): void {
    this.pairer.expireAll();
  }
}

export interface DerivedEdges {
  edges: EdgeObservation[];
  operations: OperationObservation[];
}

/**
 * Everything a set of spans (one trace, or several that link to each other) contributes, as if
 * they had all arrived and then waited out the TTL.
 */
export function deriveEdges(batch: TraceBatch): DerivedEdges {
  const derived: DerivedEdges = { edges: [], operations: [] };
  const deriver = new EdgeDeriver(
    { ttlMs: 0, maxPending: Number.MAX_SAFE_INTEGER, now: () => 0 },
    { edge: (e) => derived.edges.push(e), operation: (o) => derived.operations.push(o) },
  );
  deriver.observeBatch(batch);
  deriver.expireAll();
  return derived;
}
