// Realistic span rows made by PostgreSQL itself (INSERT … SELECT over generate_series), for the
// search benchmark and the plan tests: millions of rows without sending a byte per row from Node.
// The shape is the one issue 18 measured through the collector: traces of 20 spans over 50
// services (each trace touches 20 of them, one span each), 10 attributes a span, 5 % errors,
// spread evenly over the time range given. Everything is a function of the trace number, so a
// test or a benchmark can name the trace, service and attribute values it will search for.
import { createHash } from 'node:crypto';
import type pg from 'pg';

type Queryable = Pick<pg.ClientBase, 'query'>;

export const GENERATED = {
  services: 50,
  spansPerTrace: 20,
  operationsPerService: 10,
} as const;

/** The service of span `j` of trace `n`: every trace touches 20 distinct services. */
export function generatedService(n: number, j: number): string {
  return `svc-${String((n + j * 3) % GENERATED.services).padStart(2, '0')}`;
}

/** The trace id (32 hex) of trace `n`. */
export function generatedTraceIdSql(n: string): string {
  return `decode(md5('trace-' || ${n}), 'hex')`;
}

/** Resources (one per service), the one scope and the operations the generated spans reference. */
export async function insertGeneratedDictionaries(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO resources (id, service_name, attributes)
     SELECT 1000 + s, 'svc-' || lpad(s::text, 2, '0'),
       jsonb_build_object('service.name', 'svc-' || lpad(s::text, 2, '0'), 'service.version', '1.4.2',
         'deployment.environment.name', 'production', 'host.name', 'svc-' || s || '-7f9c8d-abcde',
         'k8s.namespace.name', 'shop', 'telemetry.sdk.language', 'nodejs')
     FROM generate_series(0, ${GENERATED.services - 1}) s ON CONFLICT (id) DO NOTHING`,
  );
  await db.query(`INSERT INTO scopes (id, name, version, attributes) VALUES (1, 'bench', '1.0.0', '{}') ON CONFLICT (id) DO NOTHING`);
  await db.query(
    `INSERT INTO operations (service_name, span_name, span_kind, last_seen_ns)
     SELECT 'svc-' || lpad(s::text, 2, '0'), p.prefix || 'op-' || o, p.kind, 0
     FROM generate_series(0, ${GENERATED.services - 1}) s, generate_series(0, ${GENERATED.operationsPerService - 1}) o,
       (VALUES ('GET /api/v1/', 2), ('call ', 3)) AS p(prefix, kind)
     ON CONFLICT DO NOTHING`,
  );
}

export interface GeneratedRange {
  /** Traces number `fromTrace` (inclusive) to `toTrace` (exclusive). */
  fromTrace: number;
  toTrace: number;
  /** Trace n starts at startNs + n × spacingNs. */
  startNs: bigint;
  spacingNs: bigint;
}

/**
 * Inserts the spans of traces [fromTrace, toTrace). Span j of trace n starts j ms after its
 * trace; its parent is span (j - 1) / 2; one trace in 10 fails, in half its spans (5 % errors: status 2, HTTP 500); every
 * fourth carries an event. `app.order.id` = `ord-<n>` is on every span of trace n (a rare value),
 * `enduser.id` takes 50,000 values.
 */
export async function insertGeneratedSpans(db: Queryable, range: GeneratedRange): Promise<void> {
  const spanId = (j: string) => `decode(substr(md5(t.n || ':' || ${j}), 1, 16), 'hex')`;
  await db.query(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, start_ns, duration_ns, service_name, name, kind,
       status_code, status_message, resource_id, scope_id, attributes, events, flags)
     SELECT t.trace_id, ${spanId('j')}, CASE WHEN j = 0 THEN NULL ELSE ${spanId('(j - 1) / 2')} END,
       t.start_ns + j * 1000000, t.duration_ns * (20 - j) / 20,
       'svc-' || lpad(((t.n + j * 3) % ${GENERATED.services})::text, 2, '0'),
       CASE WHEN j % 2 = 0 THEN 'GET /api/v1/' ELSE 'call ' END || 'op-' || ((t.n / 7 + j) % ${GENERATED.operationsPerService}),
       CASE WHEN j % 2 = 0 THEN 2 ELSE 3 END,
       CASE WHEN e.error THEN 2 ELSE 0 END,
       CASE WHEN e.error THEN 'upstream returned 500' END,
       1000 + (t.n + j * 3) % ${GENERATED.services}, 1,
       jsonb_build_object(
         'http.request.method', CASE WHEN (t.n + j) % 5 = 0 THEN 'POST' ELSE 'GET' END,
         'http.route', '/api/v1/items/:id',
         'url.path', '/api/v1/items/' || (t.n + j) % 1000,
         'http.response.status_code', CASE WHEN e.error THEN 500 ELSE 200 END,
         'server.address', 'svc-' || (t.n + j * 3) % ${GENERATED.services} || '.shop.internal',
         'client.address', '10.0.' || t.n % 255 || '.' || j,
         'enduser.id', 'user-' || t.n % 50000,
         'app.order.id', 'ord-' || t.n,
         'app.feature.flag', t.n % 2 = 0,
         'code.function', 'handleRequest'),
       CASE WHEN j % 4 = 0 THEN jsonb_build_array(jsonb_build_object('time_ns', (t.start_ns + j * 1000000 + 500000)::text,
         'name', 'cache.miss', 'attributes', jsonb_build_object('cache.key', 'item:' || t.n))) END,
       1
     FROM (SELECT n, ${generatedTraceIdSql('n')} AS trace_id, $1::bigint + n * $2::bigint AS start_ns,
             (30 + (n::bigint * 7919) % 470) * 1000000 AS duration_ns,
             ((n / 2)::bigint * 2654435761) % 4294967296 % 10 = 3 AS failing
           FROM generate_series($3::int, $4::int - 1) n) t
     CROSS JOIN generate_series(0, ${GENERATED.spansPerTrace - 1}) j
     CROSS JOIN LATERAL (SELECT t.failing AND j % 2 = 1 AS error) e`,
    [range.startNs.toString(), range.spacingNs.toString(), range.fromTrace, range.toTrace],
  );
}

/** The trace id (32 hex) of generated trace `n`, computed as the database does (generatedTraceIdSql). */
export function generatedTraceId(n: number): string {
  return createHash('md5').update(`trace-${n}`).digest('hex');
}
