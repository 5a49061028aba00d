// The alerting API on the real PostgreSQL: /api/rules (list, PATCH toggle with 400/404 for bad
// requests), /api/alerts and /api/incidents(/{id}) over what the collector's alert loop stored
// (an incident's involved map with the traffic of its window, as /api/service-graph gives it). A
// file of its own: the collector's pg executor (used by the migrator) parses int8 as BigInt
// process-wide, which Prisma's adapter (the UI server's, its own process in production) does not
// accept, so here the parser is reset and the loop runs over a plain pg pool.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { AlertLoop } from '../../collector/alerting/alert-loop';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import type { IncidentDetailWire } from '../../lib/contracts/alerting-api';
import type { ServiceGraph } from '../../lib/domain/service-graph/graph';
import { disconnectDb } from '../../lib/db/prisma';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

let database: ScratchDatabase;
let pool: pg.Pool;
let db: SqlExecutor;
const STEP = 15_000;

before(async () => {
  database = await createScratchDatabase();
  await migrateDatabase(database.url);
  pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => v); // undo the migrator's executor's BigInt parsing (see above)
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => {}); // an idle connection ended by the scratch database's drop is not a failure
  const query = async <Row>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as Row[];
  db = {
    query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({ query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[], copyFrom: async () => {} });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
  } as SqlExecutor;
  process.env.DATABASE_URL = database.url;

  // Stored state: an open breaker orders → payments, a lagging queue, and a file rule over RED from traces.
  const t0 = Date.now() - 120_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-alerting-api-'));
  const rulesFile = path.join(dir, 'rules.yml');
  writeFileSync(rulesFile, 'groups:\n  - name: red\n    rules:\n      - alert: PaymentsErrors\n        expr: sum by (service) (meshlight_span_errors_total{service="payments"}) > 0\n');
  await query(
    `INSERT INTO operation_red_minutes (minute, environment, service_name, span_name, span_kind, calls, errors, latency_count, latency_sum_us, latency_max_us, histogram)
     VALUES (to_timestamp($1::float8 / 1000), '', 'payments', 'charge', 2, 10, 7, 10, 1000, 100, '[3:3]={10}')`,
    [Math.floor((t0 - 120_000) / 60_000) * 60_000],
  );
  await query(`INSERT INTO breaker_status (service, name, target, state, since_ms, last_seen_ms, source) VALUES ('orders', 'payments.charge', 'payments', 'open', $1, $1, 'opossum')`, [t0]);
  await query(`INSERT INTO lag_status (system, cluster, destination, grp, lag, status, trend, since_ms, updated_ms) VALUES ('rabbitmq', 'local', 'order.created', 'order.created', 250, 'WARN', 'growing', $1, $1)`, [t0]);
  let now = t0;
  const loop = new AlertLoop(db, { intervalMs: STEP, rulesFile, notifier: { externalUrl: 'http://meshlight.test' }, now: () => now }, { info() {}, warn() {}, error() {} });
  await loop.evaluateOnce();
  // Open for two evaluations: the incident ends at the last one that saw it (not when the resolution is confirmed).
  now += STEP;
  await loop.evaluateOnce();
  await query(`UPDATE breaker_status SET state = 'closed'`);
  await query(`UPDATE lag_status SET status = 'OK'`);
  for (let i = 0; i < 4; i++) {
    now += STEP;
    await loop.evaluateOnce();
  }
  // The traffic of the incident's minute, as the collector rolls it up (written after the loop ran,
  // so no built-in RED rule sees it grow): gateway → orders → payments, most calls to payments failing.
  const minute = Math.floor(t0 / 60_000) * 60_000;
  for (const [sk, sn, tk, tn, calls, errors, bucket] of [
    ['service', 'gateway', 'service', 'orders', 120, 30, 31],
    ['service', 'orders', 'service', 'payments', 120, 90, 28],
  ] as const) {
    await query(
      `INSERT INTO service_graph_edge_minutes (minute, source_kind, source_name, target_kind, target_name, connection_type, calls, errors, latency_count, latency_sum_us, latency_max_us, histogram)
       VALUES (to_timestamp($1::float8 / 1000), $2, $3, $4, $5, 'request', $6, $7, $6, 1000000, 200000, $8)`,
      [minute, sk, sn, tk, tn, calls, errors, `[${bucket}:${bucket}]={${calls}}`],
    );
  }
  for (const [service, calls, errors, bucket] of [['orders', 120, 90, 31], ['payments', 120, 90, 28]] as const) {
    await query(
      `INSERT INTO service_red_minutes (minute, environment, service_name, calls, errors, latency_count, latency_sum_us, latency_max_us, histogram)
       VALUES (to_timestamp($1::float8 / 1000), '', $2, $3, $4, $3, 1000000, 200000, $5)`,
      [minute, service, calls, errors, `[${bucket}:${bucket}]={${calls}}`],
    );
  }
});

after(async () => {
  await disconnectDb();
  await pool.end();
  await database.drop();
});

test('the API lists and toggles rules, lists alerts and builds incidents from the stored history', async () => {
  const { GET: getRules } = await import('../../app/api/rules/route');
  const { PATCH: patchRule } = await import('../../app/api/rules/[id]/route');
  const { GET: getAlerts } = await import('../../app/api/alerts/route');
  const { GET: getIncidents } = await import('../../app/api/incidents/route');
  const { GET: getIncident } = await import('../../app/api/incidents/[id]/route');
  const ctx = <P>(params: P) => ({ params: Promise.resolve(params) });

  const rules = (await (await getRules(new Request('http://x/api/rules'), ctx({}))).json()) as Array<{ id: string; enabled: boolean; state: string }>;
  assert.deepEqual(rules.map((r) => `${r.id}:${r.state}`).sort(), [
    'builtin:breaker-open:inactive', 'builtin:error-rate-jump:inactive', 'builtin:lag-warn:inactive', 'builtin:latency-jump:inactive', 'builtin:new-log-error:inactive', 'file:red/PaymentsErrors:firing',
  ]);
  const patch = (id: string, body: string) => patchRule(new Request(`http://x/api/rules/${encodeURIComponent(id)}`, { method: 'PATCH', body }), ctx({ id: encodeURIComponent(id) }));
  assert.equal((await patch('builtin:lag-warn', '{"enabled": "no"}')).status, 400);
  assert.equal((await patch('builtin:lag-warn', 'nope')).status, 400);
  assert.equal((await patch('builtin:nothing', '{"enabled": false}')).status, 404);
  const off = await patch('file:red/PaymentsErrors', '{"enabled": false}');
  assert.equal(off.status, 200);
  assert.equal(((await off.json()) as { enabled: boolean }).enabled, false);

  // The next round resolves the switched-off rule's alert.
  const loop = new AlertLoop(db, { intervalMs: STEP, notifier: { externalUrl: 'http://meshlight.test' } }, { info() {}, warn() {}, error() {} });
  await loop.evaluateOnce();
  const alerts = (await (await getAlerts(new Request('http://x/api/alerts?state=firing'), ctx({}))).json()) as unknown[];
  assert.equal(alerts.length, 0);
  assert.equal((await getAlerts(new Request('http://x/api/alerts?state=bogus'), ctx({}))).status, 400);

  const incidents = (await (await getIncidents(new Request('http://x/api/incidents'), ctx({}))).json()) as Array<{ id: string; services: string[]; endMs: number | null; rootCause: { service: string } }>;
  assert.ok(Array.isArray(incidents), JSON.stringify(incidents));
  // The open breaker (orders → payments) and payments' errors touch the same node: one incident; the queue is another.
  assert.equal(incidents.length, 2);
  const payments = incidents.find((i) => i.services.includes('payments'))!;
  assert.deepEqual(payments.services, ['orders', 'payments']);
  assert.equal(payments.rootCause.service, 'payments');
  assert.notEqual(payments.endMs, null);
  const one = await getIncident(new Request(`http://x/api/incidents/${payments.id}`), ctx({ id: payments.id }));
  assert.equal(one.status, 200);
  const detail = (await one.json()) as IncidentDetailWire;
  assert.equal(detail.id, payments.id);
  // The involved map carries the traffic of the incident's window, the same figures the service
  // map's own API gives for that window.
  const { GET: getGraph } = await import('../../app/api/service-graph/route');
  const graph = (await (await getGraph(new Request(`http://x/api/service-graph?start=${detail.startMs}&end=${detail.endMs}`), ctx({}))).json()) as ServiceGraph;
  assert.deepEqual(detail.map.nodes.map((n) => n.id), ['service:gateway', 'service:orders', 'service:payments']);
  assert.deepEqual(detail.map.edges.map((e) => e.id), ['service:gateway->service:orders#request', 'service:orders->service:payments#request']);
  for (const element of [...detail.map.nodes, ...detail.map.edges]) {
    const same = [...graph.nodes, ...graph.edges].find((x) => x.id === element.id)!;
    assert.deepEqual(element, same, element.id);
    assert.ok(element.calls > 0 && element.rate > 0 && element.p95Ms !== null, `${element.id} has traffic: ${JSON.stringify(element)}`);
  }
  const call = detail.map.edges[1]!;
  assert.equal(call.errorRate, 0.75);
  assert.equal(call.health, 'failing');
  assert.equal(call.rate, 120 / ((detail.endMs! - Math.floor(detail.startMs / 60_000) * 60_000) / 1000));
  assert.equal((await getIncident(new Request('http://x/api/incidents/zz'), ctx({ id: 'zz' }))).status, 400);
  assert.equal((await getIncident(new Request('http://x/api/incidents/1-00000000'), ctx({ id: '1-00000000' }))).status, 404);
  assert.equal((await getIncidents(new Request('http://x/api/incidents?start=x'), ctx({}))).status, 400);
});
