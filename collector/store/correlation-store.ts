// The `correlations` table: which traces a correlation id belongs to. Fed with CorrelationLinks
// (lib/domain/logs/correlation.ts) from span attributes by the trace signal's observer and from logs
// that carry both ids (inside the logs batch's transaction). A pair already committed is
// remembered, so a steady stream of requests costs one small upsert per new pair; retention
// deletes pairs first seen before the cut-off.
import type { CorrelationLink } from '../../lib/domain/logs/correlation';
import { BoundedSet } from './dictionary-writer';
import type { SqlExecutor, SqlSession } from './sql-executor';

const HEX_TRACE_ID = /^[0-9a-f]{32}$/;
const keyOf = (link: CorrelationLink) => `${link.correlationId}\u0000${link.traceId}`;

export class CorrelationStore {
  private readonly written = new BoundedSet<string>(200_000);

  constructor(private readonly db: SqlExecutor) {}

  /** Links not known to be committed, one per pair (earliest time), in lock order. */
  due(links: readonly CorrelationLink[]): CorrelationLink[] {
    const due = new Map<string, CorrelationLink>();
    for (const link of links) {
      if (!HEX_TRACE_ID.test(link.traceId) || link.correlationId === '') continue;
      const key = keyOf(link);
      if (this.written.has(key)) continue;
      const known = due.get(key);
      if (!known || link.firstSeenNs < known.firstSeenNs) due.set(key, link);
    }
    // Sorted so two writers upserting overlapping sets lock rows in the same order.
    return [...due.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, link]) => link);
  }

  async write(tx: Pick<SqlSession, 'query'>, rows: readonly CorrelationLink[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO correlations (correlation_id, trace_id, service_name, first_seen_ns)
       SELECT c, decode(t, 'hex'), s, f FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u(c, t, s, f)
       ON CONFLICT (correlation_id, trace_id)
       DO UPDATE SET first_seen_ns = LEAST(correlations.first_seen_ns, EXCLUDED.first_seen_ns)`,
      [rows.map((l) => l.correlationId), rows.map((l) => l.traceId), rows.map((l) => l.serviceName), rows.map((l) => l.firstSeenNs.toString())],
    );
  }

  committed(rows: readonly CorrelationLink[]): void {
    for (const link of rows) this.written.add(keyOf(link));
  }

  /** Outside any batch transaction (the span-side observer). */
  async record(links: readonly CorrelationLink[]): Promise<void> {
    const rows = this.due(links);
    if (rows.length === 0) return;
    await this.write(this.db, rows);
    this.committed(rows);
  }

  async applyRetention(cutoffNs: bigint): Promise<number> {
    const rows = await this.db.query<{ n: bigint | number }>(
      `WITH gone AS (DELETE FROM correlations WHERE first_seen_ns < $1 RETURNING 1) SELECT count(*) AS n FROM gone`,
      [cutoffNs.toString()],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
