// The demo's three chaos scenarios as incidents, on the real PostgreSQL: the signals each scenario
// leaves in Meshlight's tables (the service graph's edges, per-minute RED rollups growing every
// 15 s, the breaker's status, the RabbitMQ queue's Burrow status) are written step by step under a
// fake clock, the collector's own AlertLoop evaluates its built-in rules at each step and pushes
// over a real LiveHub to a real WebSocket client, and the incidents are read back through the same
// query the API uses. Each scenario must be one incident, starting within a step or two of the
// chaos and ending within a step of its healing, with the right service suggested; the live client must hear of
// every firing and resolution.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import WebSocket from 'ws';
import { AlertLoop } from '../../collector/alerting/alert-loop';
import { LiveHub } from '../../collector/live/live-hub';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { parseLiveMessage, type AlertsChangedMessage } from '../../lib/contracts/live-messages';
import { listIncidents } from '../../lib/db/alerting-queries';
import { loadIncidentTimeline } from '../../lib/db/incident-timeline';
import { disconnectDb, getDb } from '../../lib/db/prisma';
import { addToHistogram, emptyHistogram, histogramToSql } from '../../lib/domain/service-graph/latency-histogram';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';

const STEP = 15_000;
const QUEUE = 'meshlight-demo.notifier.order-created';

let database: ScratchDatabase;
let db: SqlExecutor;
let hub: LiveHub;
let server: Server;

before(async () => {
  database = await createScratchDatabase();
  await migrateDatabase(database.url);
  db = createPgExecutor(database.url, 2);
  process.env.DATABASE_URL = database.url;
  hub = new LiveHub({ intervalMs: 1000 });
  server = createServer((_req, res) => res.end());
  hub.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await hub.close();
  await new Promise((resolve) => server.close(resolve));
  await disconnectDb();
  await db.close();
  await database.drop();
});

/** What each service does in a 15 s step: calls, the share failing, and their latency. */
interface Traffic {
  calls: number;
  errorShare: number;
  latencyMs: number;
}
const HEALTHY: Record<string, Traffic> = {
  gateway: { calls: 30, errorShare: 0, latencyMs: 40 },
  orders: { calls: 30, errorShare: 0, latencyMs: 30 },
  payments: { calls: 20, errorShare: 0.02, latencyMs: 12 },
  inventory: { calls: 40, errorShare: 0, latencyMs: 8 },
  notifier: { calls: 20, errorShare: 0, latencyMs: 60 },
};

/** The demo's scenarios as what they do to traffic, the breaker and the queue. */
function scenarioAt(name: 'payments-down' | 'slow-consumer' | 'inventory-latency' | 'none'): { traffic: Record<string, Traffic>; breaker: string; lag: string } {
  const traffic = structuredClone(HEALTHY);
  if (name === 'payments-down') {
    traffic.payments!.errorShare = 1;
    traffic.orders!.errorShare = 0.6;
    traffic.gateway!.errorShare = 0.6;
    return { traffic, breaker: 'open', lag: 'OK' };
  }
  if (name === 'slow-consumer') {
    traffic.notifier!.latencyMs = 800;
    traffic.notifier!.calls = 4;
    return { traffic, breaker: 'closed', lag: 'WARN' };
  }
  if (name === 'inventory-latency') {
    traffic.inventory!.latencyMs = 1200;
    traffic.orders!.latencyMs = 1300;
    traffic.gateway!.latencyMs = 1350;
    return { traffic, breaker: 'closed', lag: 'OK' };
  }
  return { traffic, breaker: 'closed', lag: 'OK' };
}

async function addRed(minuteMs: number, traffic: Record<string, Traffic>, times = 1): Promise<void> {
  const rows = Object.entries(traffic).map(([service, t]) => {
    const histogram = emptyHistogram();
    addToHistogram(histogram, t.latencyMs * 1000, t.calls * times);
    return { service, calls: t.calls * times, errors: Math.round(t.calls * t.errorShare * times), histogram: histogramToSql(histogram), sum: t.calls * times * t.latencyMs * 1000, max: t.latencyMs * 1000 };
  });
  await db.query(
    `INSERT INTO service_red_minutes (minute, environment, service_name, calls, errors, latency_count, latency_sum_us, latency_max_us, histogram, slow_trace_id, error_trace_id)
     SELECT to_timestamp($2::float8 / 1000), '', r.service, r.calls, r.errors, r.calls, r.sum, r.max, r.histogram::int[],
            decode(md5('slow' || r.service || $2), 'hex'), CASE WHEN r.errors > 0 THEN decode(md5('error' || r.service || $2), 'hex') END
     FROM jsonb_to_recordset($1::jsonb) AS r(service text, calls bigint, errors bigint, sum bigint, max bigint, histogram text)
     ON CONFLICT (minute, environment, service_name) DO UPDATE SET calls = service_red_minutes.calls + EXCLUDED.calls,
       errors = service_red_minutes.errors + EXCLUDED.errors, latency_count = service_red_minutes.latency_count + EXCLUDED.latency_count,
       latency_sum_us = service_red_minutes.latency_sum_us + EXCLUDED.latency_sum_us,
       latency_max_us = greatest(service_red_minutes.latency_max_us, EXCLUDED.latency_max_us),
       histogram = meshlight_histogram_add(service_red_minutes.histogram, EXCLUDED.histogram),
       error_trace_id = coalesce(EXCLUDED.error_trace_id, service_red_minutes.error_trace_id)`,
    [JSON.stringify(rows), minuteMs],
  );
}

test('payments down, slow consumer and inventory latency: one incident each, found and resolved by the alert loop, pushed live', async () => {
  const t0 = Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000;
  let now = t0;
  // The demo's graph (as the spans make it: the exchange is the messaging node), and 30 calm minutes before.
  const edges = [
    ['user', 'user', 'service', 'gateway', 'request'],
    ['service', 'gateway', 'service', 'orders', 'request'],
    ['service', 'gateway', 'service', 'inventory', 'request'],
    ['service', 'orders', 'service', 'inventory', 'request'],
    ['service', 'orders', 'service', 'payments', 'request'],
    ['service', 'orders', 'messaging', 'rabbitmq/meshlight-demo.orders', 'messaging'],
    ['messaging', 'rabbitmq/meshlight-demo.orders', 'service', 'notifier', 'messaging'],
  ];
  await db.query(
    `INSERT INTO service_graph_edge_minutes (minute, source_kind, source_name, target_kind, target_name, connection_type, calls, errors, latency_count, latency_sum_us, latency_max_us, histogram)
     SELECT to_timestamp($2::float8 / 1000), e->>0, e->>1, e->>2, e->>3, e->>4, 10, 0, 0, 0, 0, '{}'::int[] FROM jsonb_array_elements($1::jsonb) AS e`,
    [JSON.stringify(edges), t0 - 10 * 60_000],
  );
  for (let m = 31; m >= 1; m--) await addRed(t0 - m * 60_000, HEALTHY, 4);

  const socket = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}/live`);
  const heard: AlertsChangedMessage[] = [];
  socket.on('message', (data) => {
    const message = parseLiveMessage(String(data));
    if (message?.type === 'alerts-changed') heard.push(message);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

  const loop = new AlertLoop(db, { intervalMs: STEP, notifier: { externalUrl: 'http://meshlight.test' }, now: () => now }, console, hub);
  // The chaos cycle, in 15 s steps: calm, each scenario for 60 s (4 steps), recovery 90 s (6 steps) and a little more.
  const plan: Array<Parameters<typeof scenarioAt>[0]> = [];
  const starts: Record<string, number> = {};
  const heals: Record<string, number> = {};
  const phase = (name: Parameters<typeof scenarioAt>[0], steps: number) => {
    if (name !== 'none') starts[name] = t0 + plan.length * STEP;
    for (let i = 0; i < steps; i++) plan.push(name);
    if (name !== 'none') heals[name] = t0 + plan.length * STEP;
  };
  phase('none', 4);
  for (const name of ['payments-down', 'slow-consumer', 'inventory-latency'] as const) {
    phase(name, 4);
    phase('none', 8);
  }
  for (const name of plan) {
    const { traffic, breaker, lag } = scenarioAt(name);
    await addRed(Math.floor(now / 60_000) * 60_000, traffic);
    await db.query(
      `INSERT INTO breaker_status (service, name, target, state, since_ms, last_seen_ms, source) VALUES ('orders', 'payments', 'payments', $1, $2, $2, 'opossum')
       ON CONFLICT (service, name) DO UPDATE SET state = EXCLUDED.state, last_seen_ms = EXCLUDED.last_seen_ms,
         since_ms = CASE WHEN breaker_status.state = EXCLUDED.state THEN breaker_status.since_ms ELSE EXCLUDED.since_ms END`,
      [breaker, now],
    );
    await db.query(
      `INSERT INTO lag_status (system, cluster, destination, grp, lag, status, trend, since_ms, updated_ms) VALUES ('rabbitmq', 'rabbit@localhost', $1, $1, $2, $3, 'growing', $4, $4)
       ON CONFLICT (system, cluster, destination, grp) DO UPDATE SET lag = EXCLUDED.lag, status = EXCLUDED.status, updated_ms = EXCLUDED.updated_ms`,
      [QUEUE, lag === 'OK' ? 0 : 300, lag, now],
    );
    // Another fleet's queue on the same broker lags all along: not part of any of these incidents' axes.
    await db.query(
      `INSERT INTO lag_history (system, cluster, destination, grp, t_ms, lag, status)
       VALUES ('rabbitmq', 'rabbit@localhost', $1, $1, $2, $3, $4), ('rabbitmq', 'rabbit@localhost', 'other-fleet.mailer', 'other-fleet.mailer', $2, 50, 'WARN')`,
      [QUEUE, now, lag === 'OK' ? 0 : 300, lag],
    );
    await loop.evaluateOnce();
    now += STEP;
  }

  const incidents = (await listIncidents(t0 - 3600_000, now, getDb())).slice().reverse();
  const summary = incidents.map((i) => ({
    services: i.services.join(' '),
    root: i.rootCause?.service,
    first: i.episodes.find((e) => e.id === i.firstEpisodeId)!.alertname,
    startStep: (i.startMs - t0) / STEP,
    endStep: i.endMs === null ? null : (i.endMs - t0) / STEP,
  }));
  console.log(`# incidents (steps of 15 s from t0): ${JSON.stringify(summary)}`);
  assert.equal(incidents.length, 3, JSON.stringify(summary));
  const [payments, slow, inventory] = incidents as [(typeof incidents)[number], (typeof incidents)[number], (typeof incidents)[number]];
  const within = (at: number, expected: number, steps: number, what: string) => assert.ok(at >= expected && at <= expected + steps * STEP, `${what}: ${(at - t0) / STEP} vs ${(expected - t0) / STEP}`);
  // An incident ends when its signals' conditions last held (the last chaos step, or the first calm
  // one), not when the resolution is confirmed a window and a keep_firing_for later.
  const ends = (at: number, healed: number, what: string) => assert.ok(at >= healed - STEP && at <= healed + STEP, `${what}: ${(at - t0) / STEP} vs ${(healed - t0) / STEP}`);

  assert.equal(payments.rootCause?.service, 'payments');
  assert.deepEqual([...payments.signals].sort(), ['breaker', 'error_rate']);
  within(payments.startMs, starts['payments-down']!, 1, 'payments down starts');
  ends(payments.endMs!, heals['payments-down']!, 'payments down resolves');

  assert.equal(slow.rootCause?.service, 'notifier');
  assert.deepEqual(slow.nodes, ['messaging:rabbitmq/meshlight-demo.orders', 'service:notifier']);
  assert.deepEqual([...slow.signals].sort(), ['lag', 'latency']);
  within(slow.startMs, starts['slow-consumer']!, 1, 'slow consumer starts');
  ends(slow.endMs!, heals['slow-consumer']!, 'slow consumer resolves');

  assert.equal(inventory.rootCause?.service, 'inventory');
  assert.deepEqual(inventory.services, ['gateway', 'inventory', 'orders']);
  within(inventory.startMs, starts['inventory-latency']!, 1, 'inventory latency starts');
  ends(inventory.endMs!, heals['inventory-latency']!, 'inventory latency resolves');

  // Their pages: example failing traces of payments; the queue's lag bands on the slow consumer's axis; no logs stored.
  const paymentsTimeline = await loadIncidentTimeline(payments, now, getDb());
  assert.ok(paymentsTimeline.examples.some((x) => x.service === 'payments' && x.kind === 'error' && /^[0-9a-f]{32}$/.test(x.traceId)), JSON.stringify(paymentsTimeline.examples));
  assert.deepEqual(paymentsTimeline.logs, []);
  const slowTimeline = await loadIncidentTimeline(slow, now, getDb());
  assert.deepEqual(slowTimeline.queues.map((q) => [q.destination, q.bands.map((b) => b.state).join(' ')]), [[QUEUE, 'OK WARN OK']]);
  assert.ok(slowTimeline.examples.some((x) => x.service === 'notifier' && x.kind === 'slow'));

  // Live: every firing and every resolution was pushed, after it was stored.
  // Every message the hub sent has arrived (it counts its broadcasts; this is its only client).
  await new Promise<void>((resolve) => {
    const check = () => {
      if (heard.length < hub.sent) return;
      socket.off('message', check);
      resolve();
    };
    socket.on('message', check);
    check();
  });
  const transitions = heard.flatMap((m) => m.transitions);
  const fired = transitions.filter((t) => t.to === 'firing').map((t) => t.alertname);
  const resolved = transitions.filter((t) => t.to === 'resolved').map((t) => t.alertname);
  assert.deepEqual([...new Set(fired)].sort(), ['CircuitBreakerOpen', 'ConsumerLag', 'ErrorRateJump', 'LatencyJump']);
  assert.equal(resolved.length, fired.length, `fired ${fired.join()} / resolved ${resolved.join()}`);
  assert.ok(heard.every((m) => m.more === 0 && m.transitions.length > 0));
  socket.close();
});
