// Sums what the service graph observed during one live interval into the compact delta the live
// hub pushes (lib/contracts/live-messages.ts). Only kept while someone is listening; bounded so a
// flood of distinct edges cannot grow it without limit (the next refetch shows them anyway).
import type { GraphDeltaMessage } from '../../lib/contracts/live-messages';
import { nodeId, type EdgeObservation, type OperationObservation } from '../../lib/domain/service-graph/types';

type EdgeRow = GraphDeltaMessage['edges'][number];
type ServiceRow = GraphDeltaMessage['services'][number];

export class LiveDeltaAccumulator {
  private edges = new Map<string, EdgeRow>();
  private services = new Map<string, ServiceRow>();
  private seq = 0;
  dropped = 0;

  constructor(private readonly maxRows = 5_000) {}

  get empty(): boolean {
    return this.edges.size === 0 && this.services.size === 0;
  }

  addEdge(o: EdgeObservation): void {
    const source = nodeId(o.source);
    const target = nodeId(o.target);
    const key = `${o.environment}\u0000${source}\u0000${target}\u0000${o.connectionType}`;
    let row = this.edges.get(key);
    if (!row) {
      if (this.edges.size >= this.maxRows) {
        this.dropped++;
        return;
      }
      this.edges.set(key, (row = { source, target, type: o.connectionType, env: o.environment, calls: 0, errors: 0 }));
    }
    row.calls++;
    if (o.error) row.errors++;
  }

  addOperation(o: OperationObservation): void {
    const key = `${o.environment}\u0000${o.service}`;
    let row = this.services.get(key);
    if (!row) {
      if (this.services.size >= this.maxRows) {
        this.dropped++;
        return;
      }
      this.services.set(key, (row = { service: o.service, env: o.environment, calls: 0, errors: 0 }));
    }
    row.calls++;
    if (o.error) row.errors++;
  }

  /** The interval's delta, numbered; starts the next interval empty. */
  drain(atMs: number): GraphDeltaMessage {
    const message: GraphDeltaMessage = {
      type: 'graph-delta',
      seq: this.seq++,
      atMs,
      edges: [...this.edges.values()],
      services: [...this.services.values()],
    };
    this.edges = new Map();
    this.services = new Map();
    return message;
  }

  /** Forgets the interval (nobody is listening). */
  clear(): void {
    if (!this.empty) {
      this.edges = new Map();
      this.services = new Map();
    }
  }
}
