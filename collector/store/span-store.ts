// Writes accepted span rows: the dictionary rows they reference first (so a reader never sees a
// span whose resource is missing), then one COPY of all spans. Dictionary entries already written
// are remembered so that steady traffic costs a single COPY per batch.
import type { OperationRow, ResourceRow, ScopeRow, SpanRows } from './span-rows';
import { SPAN_COPY_TARGET } from './span-rows';
import type { PartitionManager } from './partitions';
import type { SqlExecutor } from './sql-executor';

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

export class SpanStore {
  private readonly writtenResources = new BoundedSet<bigint>(100_000);
  private readonly writtenScopes = new BoundedSet<bigint>(100_000);
  private readonly operationSeen = new Map<string, bigint>();

  constructor(
    private readonly db: SqlExecutor,
    private readonly partitions: PartitionManager,
  ) {}

  async write(rows: SpanRows): Promise<void> {
    if (rows.spanCount === 0) return;
    await this.partitions.ensureDays(rows.days);
    await this.writeResources([...rows.resources.values()].filter((r) => !this.writtenResources.has(r.id)));
    await this.writeScopes([...rows.scopes.values()].filter((s) => !this.writtenScopes.has(s.id)));
    await this.db.copyFrom(SPAN_COPY_TARGET, rows.copyText);
    await this.touchOperations(rows.operations);
  }

  private async writeResources(resources: ResourceRow[]): Promise<void> {
    if (resources.length === 0) return;
    await this.db.query(
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
    for (const r of resources) this.writtenResources.add(r.id);
  }

  private async writeScopes(scopes: ScopeRow[]): Promise<void> {
    if (scopes.length === 0) return;
    await this.db.query(
      `INSERT INTO scopes (id, name, version, attributes)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[])
       ON CONFLICT (id) DO NOTHING`,
      [
        scopes.map((s) => s.id.toString()),
        scopes.map((s) => s.name),
        scopes.map((s) => s.version),
        scopes.map((s) => JSON.stringify(s.attributes)),
      ],
    );
    for (const s of scopes) this.writtenScopes.add(s.id);
  }

  private async touchOperations(operations: Map<string, OperationRow>): Promise<void> {
    const due: Array<[string, OperationRow]> = [];
    for (const entry of operations) {
      const seen = this.operationSeen.get(entry[0]);
      if (seen === undefined || entry[1].lastSeenNs - seen > OPERATION_TOUCH_INTERVAL_NS) due.push(entry);
    }
    if (due.length === 0) return;
    // Sorted so that two writers upserting overlapping sets lock rows in the same order.
    due.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    await this.db.query(
      `INSERT INTO operations (service_name, span_name, span_kind, last_seen_ns)
       SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::bigint[])
       ON CONFLICT (service_name, span_name, span_kind)
       DO UPDATE SET last_seen_ns = GREATEST(operations.last_seen_ns, EXCLUDED.last_seen_ns)`,
      [
        due.map(([, o]) => o.serviceName),
        due.map(([, o]) => o.spanName),
        due.map(([, o]) => o.spanKind),
        due.map(([, o]) => o.lastSeenNs.toString()),
      ],
    );
    if (this.operationSeen.size > 100_000) this.operationSeen.clear();
    for (const [key, o] of due) this.operationSeen.set(key, o.lastSeenNs);
  }
}
