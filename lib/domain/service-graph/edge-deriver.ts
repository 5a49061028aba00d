// Puts span-edges.ts and edge-pairer.ts together: spans in, edge and operation observations out
// through a sink, as they become known (at once, when a pair completes, or when a half expires).
// The collector runs one EdgeDeriver over everything it accepts; deriveTraceEdges() runs one over a
// single complete trace (golden tests, highlighting a trace's path on the map). The clock is injected.
import type { Span, TraceBatch } from '../model';
import { EdgePairer, type EdgePairerStats } from './edge-pairer';
import { mayContribute, pairedEdges, spanContribution, unpairedEdges, type InitiatorHalf, type ResponderHalf } from './span-edges';
import type { EdgeObservation, OperationObservation } from './types';
import { environmentOf } from './virtual-nodes';

export interface ObservationSink {
  edge(observation: EdgeObservation): void;
  operation(observation: OperationObservation): void;
}

export interface EdgeDeriverOptions {
  /** How long a half waits for its partner. */
  ttlMs: number;
  /** Most halves waiting at once. */
  maxPending: number;
  now(): number;
}

export class EdgeDeriver {
  private readonly pairer: EdgePairer<InitiatorHalf, ResponderHalf>;

  constructor(options: EdgeDeriverOptions, private readonly sink: ObservationSink) {
    const emit = (edges: EdgeObservation[]) => {
      for (const edge of edges) sink.edge(edge);
    };
    this.pairer = new EdgePairer<InitiatorHalf, ResponderHalf>(
      { ttlMs: options.ttlMs, maxEntries: options.maxPending, now: options.now },
      {
        onPaired: (initiator, responder, index) => emit(pairedEdges(initiator, responder, index)),
        onExpired: (half) => emit(unpairedEdges(half)),
        // An evicted half is drawn as best it can be, like an expired one; the store counts it.
        onDropped: (half) => emit(unpairedEdges(half)),
      },
    );
  }

  get stats(): Readonly<EdgePairerStats> {
    return this.pairer.stats;
  }

  get pending(): number {
    return this.pairer.size;
  }

  observe(span: Span, service: string, environment: string): void {
    if (!mayContribute(span)) return;
    const contribution = spanContribution(span, service, environment);
    if (contribution.operation) this.sink.operation(contribution.operation);
    for (const edge of contribution.edges) this.sink.edge(edge);
    if (contribution.initiator) {
      const { key, half, pairing } = contribution.initiator;
      this.pairer.addInitiator(key, half, pairing);
    }
    if (contribution.responder) this.pairer.addResponder(contribution.responder.keys, contribution.responder.half);
  }

  observeBatch(batch: TraceBatch): void {
    for (const rs of batch.resourceSpans) {
      const environment = environmentOf(rs.resource.attributes);
      for (const ss of rs.scopeSpans) for (const span of ss.spans) this.observe(span, rs.serviceName, environment);
    }
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
