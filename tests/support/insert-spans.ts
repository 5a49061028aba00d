// Writes TraceSpans straight into a Meshlight database with plain SQL (resources, scopes,
// operations and spans), so query-side tests do not depend on the collector's write path.
import pg from 'pg';
import { toStoredEvents, toStoredLinks } from '../../lib/domain/stored-span-json';
import type { TraceResource, TraceScope, TraceSpan } from '../../lib/domain/trace';
import { makeSyntheticTrace } from './synthetic-trace';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Creates a partition of `spans` covering [fromNs, toNs). */
export async function createSpansPartition(db: Queryable, name: string, fromNs: bigint, toNs: bigint): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad partition name ${name}`);
  await db.query(`CREATE TABLE "${name}" PARTITION OF spans FOR VALUES FROM (${fromNs}) TO (${toNs})`);
}

export async function insertSpans(db: Queryable, spans: readonly TraceSpan[], chunkSize = 2000): Promise<void> {
  const resources = new Map<string, TraceResource>();
  const scopes = new Map<string, TraceScope>();
  const operations = new Map<string, { service: string; name: string; kind: number; lastSeenNs: bigint }>();
  for (const span of spans) {
    resources.set(span.resource.id, span.resource);
    scopes.set(span.scope.id, span.scope);
    const key = `${span.resource.serviceName}\0${span.name}\0${span.kind}`;
    const known = operations.get(key);
    if (!known || known.lastSeenNs < span.startNs) {
      operations.set(key, { service: span.resource.serviceName, name: span.name, kind: span.kind, lastSeenNs: span.startNs });
    }
  }
  await db.query(
    `INSERT INTO resources (id, service_name, attributes, dropped_attributes_count, schema_url)
     SELECT (r->>'id')::bigint, r->>'service_name', r->'attributes', (r->>'dropped')::int, r->>'schema_url'
     FROM jsonb_array_elements($1::jsonb) r ON CONFLICT (id) DO NOTHING`,
    [
      JSON.stringify(
        [...resources.values()].map((r) => ({
          id: r.id,
          service_name: r.serviceName,
          attributes: r.attributes,
          dropped: r.droppedAttributesCount,
          schema_url: r.schemaUrl,
        })),
      ),
    ],
  );
  await db.query(
    `INSERT INTO scopes (id, name, version, attributes)
     SELECT (s->>'id')::bigint, s->>'name', s->>'version', s->'attributes'
     FROM jsonb_array_elements($1::jsonb) s ON CONFLICT (id) DO NOTHING`,
    [JSON.stringify([...scopes.values()])],
  );
  await db.query(
    `INSERT INTO operations (service_name, span_name, span_kind, last_seen_ns)
     SELECT o->>'service', o->>'name', (o->>'kind')::smallint, (o->>'last_seen_ns')::bigint
     FROM jsonb_array_elements($1::jsonb) o
     ON CONFLICT (service_name, span_name, span_kind) DO UPDATE
       SET last_seen_ns = GREATEST(operations.last_seen_ns, EXCLUDED.last_seen_ns)`,
    [JSON.stringify([...operations.values()].map((o) => ({ service: o.service, name: o.name, kind: o.kind, last_seen_ns: o.lastSeenNs.toString() })))],
  );
  for (let i = 0; i < spans.length; i += chunkSize) {
    const rows = spans.slice(i, i + chunkSize).map((span) => ({
      trace_id: span.traceId,
      span_id: span.spanId,
      parent_span_id: span.parentSpanId || null,
      start_ns: span.startNs.toString(),
      duration_ns: (span.endNs - span.startNs).toString(),
      service_name: span.resource.serviceName,
      name: span.name,
      kind: span.kind,
      status_code: span.statusCode,
      status_message: span.statusMessage || null,
      resource_id: span.resource.id,
      scope_id: span.scope.id,
      attributes: span.attributes,
      events: toStoredEvents(span.events),
      links: toStoredLinks(span.links),
      trace_state: span.traceState || null,
      flags: span.flags,
      dropped_attributes_count: span.droppedAttributesCount,
      dropped_events_count: span.droppedEventsCount,
      dropped_links_count: span.droppedLinksCount,
    }));
    await db.query(
      `INSERT INTO spans (trace_id, span_id, parent_span_id, start_ns, duration_ns, service_name, name, kind,
         status_code, status_message, resource_id, scope_id, attributes, events, links, trace_state, flags,
         dropped_attributes_count, dropped_events_count, dropped_links_count)
       SELECT decode(r->>'trace_id', 'hex'), decode(r->>'span_id', 'hex'), decode(r->>'parent_span_id', 'hex'),
         (r->>'start_ns')::bigint, (r->>'duration_ns')::bigint, r->>'service_name', r->>'name',
         (r->>'kind')::smallint, (r->>'status_code')::smallint, r->>'status_message',
         (r->>'resource_id')::bigint, (r->>'scope_id')::bigint, r->'attributes',
         nullif(r->'events', 'null'::jsonb), nullif(r->'links', 'null'::jsonb), r->>'trace_state',
         (r->>'flags')::int, (r->>'dropped_attributes_count')::int, (r->>'dropped_events_count')::int,
         (r->>'dropped_links_count')::int
       FROM jsonb_array_elements($1::jsonb) r`,
      [JSON.stringify(rows)],
    );
  }
}

/**
 * The benchmarks' trace-read database: a `spanCount`-span synthetic trace a minute old in a
 * partition around today, `neighbours` 50-span traces a second apart so it is not alone, analyzed.
 * Returns the big trace's id.
 */
export async function seedBenchTrace(databaseUrl: string, spanCount: number, neighbours: number): Promise<string> {
  const NANOS_PER_DAY = 86_400_000_000_000n;
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const day = (nowNs / NANOS_PER_DAY) * NANOS_PER_DAY;
  const trace = makeSyntheticTrace({ spanCount, startNs: nowNs - 60_000_000_000n });
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    await createSpansPartition(client, 'spans_pbench', day - NANOS_PER_DAY, day + NANOS_PER_DAY);
    await insertSpans(client, trace.spans);
    for (let seed = 1; seed <= neighbours; seed++) {
      await insertSpans(client, makeSyntheticTrace({ spanCount: 50, startNs: nowNs - BigInt(seed) * 1_000_000_000n, seed }).spans);
    }
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  return trace.traceId;
}
