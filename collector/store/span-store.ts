// Writes accepted span rows, a batch in one transaction: its id (exactly once, see
// ingest-batches.ts), the dictionary rows the spans reference (so a reader never sees a span whose
// resource is missing), one COPY of all spans, then the operations' last-seen times. Dictionary
// entries already committed are remembered so that steady traffic costs a single COPY per batch.
// Locks are taken in one global order (resources, scopes, then operations, each sorted), so two
// writers never deadlock on overlapping batches.
import type { SignalStore } from '../pipeline/signal';
import { claimBatch } from './ingest-batches';
import type { OperationRow, ResourceRow, ScopeRow, SpanRows } from './span-rows';
import { SPAN_COPY_TARGET } from './span-rows';
import type { PartitionManager } from './partitions';
import type { SqlExecutor, SqlSession } from './sql-executor';

/** A set that forgets everything when it grows past its bound, instead of growing forever. */
class BoundedSet<T> {
  private readonly items = new Set<T>();
  constructor(private readonly max: number) {}
  has(item: T): boolean {
    return this.items.has(item);
  }
  add(item: T): void {
    if (this.items.size >= this.max) this.items.clear();
    this.items.add(item);
  }
}

// Operations' last_seen feeds "last span" on the services page: 10 s resolution is plenty and
// costs one small upsert per active operation every 10 s.
const OPERATION_TOUCH_INTERVAL_NS = 10_000_000_000n;

const byId = <T extends { id: bigint }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class SpanStore implements SignalStore<SpanRows> {
  private readonly writtenResources = new BoundedSet<bigint>(100_000);
  private readonly writtenScopes = new BoundedSet<bigint>(100_000);
  private readonly operationSeen = new Map<string, bigint>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly partitions: PartitionManager,
  ) {}

  async write(rows: SpanRows, batchId: string): Promise<void> {
    if (rows.spanCount === 0) return;
    await this.partitions.ensureDays(rows.days);
    const resources = [...rows.resources.values()].filter((r) => !this.writtenResources.has(r.id)).sort(byId);
    const scopes = [...rows.scopes.values()].filter((s) => !this.writtenScopes.has(s.id)).sort(byId);
    const operations = this.dueOperations(rows.operations);
    await this.db.transaction(async (tx) => {
      if (!(await claimBatch(tx, 'traces', batchId))) return; // committed before: nothing to do
      await writeResources(tx, resources);
      await writeScopes(tx, scopes);
      await tx.copyFrom(SPAN_COPY_TARGET, rows.copyText);
      await touchOperations(tx, operations);
    });
    // Only now are they known to be in the database.
    for (const r of resources) this.writtenResources.add(r.id);
    for (const s of scopes) this.writtenScopes.add(s.id);
    if (this.operationSeen.size > 100_000) this.operationSeen.clear();
    for (const [key, o] of operations) this.operationSeen.set(key, o.lastSeenNs);
  }

  /** Operations whose last_seen moved by more than the touch interval, in key order. */
  private dueOperations(operations: Map<string, OperationRow>): Array<[string, OperationRow]> {
    const due: Array<[string, OperationRow]> = [];
    for (const entry of operations) {
      const seen = this.operationSeen.get(entry[0]);
      if (seen === undefined || entry[1].lastSeenNs - seen > OPERATION_TOUCH_INTERVAL_NS) due.push(entry);
    }
    // Sorted so that two writers upserting overlapping sets lock rows in the same order.
    return due.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

async function writeResources(tx: SqlSession, resources: ResourceRow[]): Promise<void> {
  if (resources.length === 0) return;
  await tx.query(
    `INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[], $4::int[], $5::text[])
     ON CONFLICT (id) DO NOTHING`,
    [
      resources.map((r) => r.id.toString()),
      resources.map((r) => r.serviceName),
      resources.map((r) => JSON.stringify(r.attributes)),
      resources.map((r) => r.droppedAttributesCount),
      resources.map((r) => r.schemaUrl),
    ],
  );
}

async function writeScopes(tx: SqlSession, scopes: ScopeRow[]): Promise<void> {
  if (scopes.length === 0) return;
  await tx.query(
    `INSERT INTO scopes (id, name, version, attributes)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[])
     ON CONFLICT (id) DO NOTHING`,
    [scopes.map((s) => s.id.toString()), scopes.map((s) => s.name), scopes.map((s) => s.version), scopes.map((s) => JSON.stringify(s.attributes))],
  );
}

async function touchOperations(tx: SqlSession, due: Array<[string, OperationRow]>): Promise<void> {
  if (due.length === 0) return;
  await tx.query(
    `INSERT INTO operations (service_name, span_name, span_kind, last_seen_ns)
     SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::bigint[])
     ON CONFLICT (service_name, span_name, span_kind)
     DO UPDATE SET last_seen_ns = GREATEST(operations.last_seen_ns, EXCLUDED.last_seen_ns)`,
    [due.map(([, o]) => o.serviceName), due.map(([, o]) => o.spanName), due.map(([, o]) => o.spanKind), due.map(([, o]) => o.lastSeenNs.toString())],
  );
}
