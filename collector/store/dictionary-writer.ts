// Writes the `resources` and `scopes` dictionary rows a batch references (spans and logs share
// them), remembering what was written so steady traffic skips the upsert. Written before the rows
// that point at them, so a reader never sees a record whose resource is missing.
import type { ResourceRow, ScopeRow } from './span-rows';
import type { SqlExecutor } from './sql-executor';

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

export class DictionaryWriter {
  private readonly writtenResources = new BoundedSet<bigint>(100_000);
  private readonly writtenScopes = new BoundedSet<bigint>(100_000);

  constructor(private readonly db: SqlExecutor) {}

  async write(resources: Iterable<ResourceRow>, scopes: Iterable<ScopeRow>): Promise<void> {
    await this.writeResources([...resources].filter((r) => !this.writtenResources.has(r.id)));
    await this.writeScopes([...scopes].filter((s) => !this.writtenScopes.has(s.id)));
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
      [scopes.map((s) => s.id.toString()), scopes.map((s) => s.name), scopes.map((s) => s.version), scopes.map((s) => JSON.stringify(s.attributes))],
    );
    for (const s of scopes) this.writtenScopes.add(s.id);
  }
}
