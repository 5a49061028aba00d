// Request-edge pairing shared by several collector replicas through PostgreSQL. Each replica pairs
// in memory first (lib/domain/service-graph/edge-pairer.ts): a trace whose spans all reach one
// replica never touches this. A CLIENT or SERVER half that waits out its TTL there is handed here
// and upserted into `service_graph_pending_halves`, one row per pair key (the client's trace id and
// span id). The upsert that fills a row's second side is the one that completes the pair: only that
// replica draws the edge, so each pair is drawn exactly once whichever replicas the halves reached
// and however their flushes interleave (ON CONFLICT takes the row lock; READ COMMITTED sees the
// other side once committed). Rows past `expires_at` are swept by whichever replica comes first
// (DELETE … SKIP LOCKED hands each row to one sweeper); a lone half is then drawn as unpaired, as a
// single collector would have drawn it when its TTL ran out.
//
// Messaging halves (producer fan-out, consumers under several links) still pair per process; route
// those by trace id if they cross replicas (docs/scaling.md).
import type { Half, InitiatorHalf, ResponderHalf } from '../../lib/domain/service-graph/span-edges';
import type { NodeRef } from '../../lib/domain/service-graph/types';
import { internNode } from '../../lib/domain/service-graph/virtual-nodes';
import type { SqlExecutor } from '../store/sql-executor';

/** A half as stored in JSONB: nanoseconds as decimal strings, nodes as plain objects. */
interface StoredHalf {
  service: NodeRef;
  environment: string;
  traceId: string;
  startNs: string;
  endNs: string;
  timeMs: number;
  error: boolean;
  pairSpanId: string;
  /** client: the peer drawn when no server answers. */
  target?: NodeRef;
}

export interface SharedPairingOptions {
  /** How long a handed-over half waits in PostgreSQL for its partner. */
  ttlMs: number;
  /** Most halves held between flushes; more are drawn unpaired at once (and counted). */
  maxHeld: number;
  /** Most expired rows one sweep takes. */
  sweepLimit?: number;
}

export interface SharedPairingResult {
  paired: Array<{ initiator: InitiatorHalf; responder: ResponderHalf }>;
  unpaired: Half[];
}

const node = (ref: NodeRef) => internNode(ref.kind, ref.name);

function toStored(half: InitiatorHalf | ResponderHalf): StoredHalf {
  const stored: StoredHalf = {
    service: { kind: half.service.kind, name: half.service.name },
    environment: half.environment,
    traceId: half.traceId,
    startNs: String(half.startNs),
    endNs: String(half.endNs),
    timeMs: half.timeMs,
    error: half.error,
    pairSpanId: half.pairSpanId!,
  };
  if (half.role === 'client' && half.target) stored.target = { kind: half.target.kind, name: half.target.name };
  return stored;
}

function fromStored(stored: StoredHalf) {
  return {
    service: node(stored.service),
    environment: stored.environment,
    traceId: stored.traceId,
    startNs: BigInt(stored.startNs),
    endNs: BigInt(stored.endNs),
    timeMs: stored.timeMs,
    error: stored.error,
    pairSpanId: stored.pairSpanId,
  };
}

const clientOf = (stored: StoredHalf): InitiatorHalf => ({ ...fromStored(stored), role: 'client', target: stored.target ? node(stored.target) : undefined });
const serverOf = (stored: StoredHalf): ResponderHalf => ({ ...fromStored(stored), role: 'server', destination: undefined });

const HEX_ID = /^(?:[0-9a-f]{2})+$/;

/** True for the halves this store pairs: request halves whose ids are hex (as the decoders make them). */
export function isSharable(half: Half): boolean {
  const h = 'initiator' in half ? half.initiator : half.responder;
  const role = 'initiator' in half ? 'client' : 'server';
  return h.role === role && h.pairSpanId !== undefined && HEX_ID.test(h.pairSpanId) && HEX_ID.test(h.traceId);
}

export class SharedEdgePairing {
  /** Halves handed over since the last exchange, one per (key, side). */
  private held = new Map<string, { client?: StoredHalf; server?: StoredHalf }>();
  private heldCount = 0;
  readonly stats = { handedOver: 0, pairedHere: 0, swept: 0, overflow: 0 };

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: SharedPairingOptions,
  ) {}

  get pending(): number {
    return this.heldCount;
  }

  /** Takes a half that expired unpaired in memory; false when it is not sharable or the hold is full. */
  hold(half: Half): boolean {
    if (!isSharable(half)) return false;
    if (this.heldCount >= this.options.maxHeld) {
      this.stats.overflow++;
      return false;
    }
    const stored = 'initiator' in half ? toStored(half.initiator) : toStored(half.responder);
    const key = `${stored.traceId}:${stored.pairSpanId}`;
    let row = this.held.get(key);
    if (!row) this.held.set(key, (row = {}));
    const side = 'initiator' in half ? 'client' : 'server';
    // A second copy of the same side (an exporter's retry) adds nothing.
    if (row[side]) return true;
    row[side] = stored;
    this.heldCount++;
    this.stats.handedOver++;
    return true;
  }

  /**
   * Upserts the held halves and returns the pairs this replica completed. On failure the halves
   * stay held for the next exchange.
   */
  async exchange(): Promise<SharedPairingResult['paired']> {
    if (this.held.size === 0) return [];
    // Sorted by key so that two replicas upserting overlapping keys lock them in the same order.
    const rows = [...this.held].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const result = await this.db.query<{ client: StoredHalf | null; server: StoredHalf | null }>(
      `INSERT INTO service_graph_pending_halves AS t (trace_id, span_id, client, server, expires_at)
       SELECT decode(u.trace_id, 'hex'), decode(u.span_id, 'hex'), u.client, u.server, now() + make_interval(secs => $5::float8 / 1000)
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[]) WITH ORDINALITY AS u(trace_id, span_id, client, server, n)
       ORDER BY u.n
       ON CONFLICT (trace_id, span_id) DO UPDATE
         SET client = coalesce(t.client, EXCLUDED.client), server = coalesce(t.server, EXCLUDED.server)
         WHERE (t.client IS NULL AND EXCLUDED.client IS NOT NULL) OR (t.server IS NULL AND EXCLUDED.server IS NOT NULL)
       RETURNING t.client, t.server`,
      [
        rows.map(([, r]) => (r.client ?? r.server)!.traceId),
        rows.map(([, r]) => (r.client ?? r.server)!.pairSpanId),
        rows.map(([, r]) => (r.client ? JSON.stringify(r.client) : null)),
        rows.map(([, r]) => (r.server ? JSON.stringify(r.server) : null)),
        this.options.ttlMs,
      ],
    );
    this.held = new Map();
    this.heldCount = 0;
    // A completed row stays until it expires, so a late copy of either side cannot pair again.
    const paired = result.filter((r) => r.client && r.server).map((r) => ({ initiator: clientOf(r.client!), responder: serverOf(r.server!) }));
    this.stats.pairedHere += paired.length;
    return paired;
  }

  /**
   * Deletes rows past their TTL (every row with `all`: tests and a last replica shutting down) and
   * returns the halves that never met a partner, to be drawn as unpaired.
   */
  async sweep(options: { all?: boolean } = {}): Promise<Half[]> {
    const limit = this.options.sweepLimit ?? 10_000;
    const rows = await this.db.query<{ client: StoredHalf | null; server: StoredHalf | null }>(
      `DELETE FROM service_graph_pending_halves
       WHERE ctid IN (SELECT ctid FROM service_graph_pending_halves WHERE $1::boolean OR expires_at <= now() LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING client, server`,
      [options.all === true, limit],
    );
    this.stats.swept += rows.length;
    const unpaired: Half[] = [];
    for (const row of rows) {
      if (row.client && !row.server) unpaired.push({ initiator: clientOf(row.client) });
      else if (row.server && !row.client) unpaired.push({ responder: serverOf(row.server) });
    }
    return unpaired;
  }
}
