// Writes the `resources` and `scopes` dictionary rows a batch references (spans and logs share
// them) inside the batch's transaction, remembering what was committed so steady traffic skips the
// upsert. Written before the rows that point at them, so a reader never sees a record whose
// resource is missing; locked in id order, as SpanStore does, so writers never deadlock.
import type { ResourceRow, ScopeRow } from './span-rows';
import type { SqlSession } from './sql-executor';

/** A set that forgets everything when it grows past its bound, instead of growing forever. */
export class BoundedSet<T> {
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

export interface DictionaryRows {
  resources: ResourceRow[];
  scopes: ScopeRow[];
}

const byId = <T extends { id: bigint }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class DictionaryWriter {
  private readonly writtenResources = new BoundedSet<bigint>(100_000);
  private readonly writtenScopes = new BoundedSet<bigint>(100_000);

  /** The rows not known to be committed yet, in lock order. */
  due(resources: Iterable<ResourceRow>, scopes: Iterable<ScopeRow>): DictionaryRows {
    return {
      resources: [...resources].filter((r) => !this.writtenResources.has(r.id)).sort(byId),
      scopes: [...scopes].filter((s) => !this.writtenScopes.has(s.id)).sort(byId),
    };
  }

  async write(tx: Pick<SqlSession, 'query'>, rows: DictionaryRows): Promise<void> {
    if (rows.resources.length > 0) {
      await tx.query(
        `INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[], $4::int[], $5::text[])
         ON CONFLICT (id) DO NOTHING`,
        [
          rows.resources.map((r) => r.id.toString()),
          rows.resources.map((r) => r.serviceName),
          rows.resources.map((r) => JSON.stringify(r.attributes)),
          rows.resources.map((r) => r.droppedAttributesCount),
          rows.resources.map((r) => r.schemaUrl),
        ],
      );
    }
    if (rows.scopes.length > 0) {
      await tx.query(
        `INSERT INTO scopes (id, name, version, attributes)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[])
         ON CONFLICT (id) DO NOTHING`,
        [rows.scopes.map((s) => s.id.toString()), rows.scopes.map((s) => s.name), rows.scopes.map((s) => s.version), rows.scopes.map((s) => JSON.stringify(s.attributes))],
      );
    }
  }

  /** Call once the transaction that wrote `rows` committed. */
  committed(rows: DictionaryRows): void {
    for (const r of rows.resources) this.writtenResources.add(r.id);
    for (const s of rows.scopes) this.writtenScopes.add(s.id);
  }
}
