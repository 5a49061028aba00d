// Alerting end to end on the real PostgreSQL and a real Alertmanager (Debian's
// prometheus-alertmanager, started here on free ports; skipped with a message when it is missing):
// the collector's alert loop evaluates the built-in breaker and lag rules and a rules file's PromQL
// rule over RED from traces, stores alerts and their history, posts to a webhook and to Alertmanager
// (whose /api/v2/alerts we read back), and the API routes list and toggle the rules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AlertLoop } from '../../collector/alerting/alert-loop';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SqlExecutor } from '../../collector/store/sql-executor';
import { disconnectDb } from '../../lib/db/prisma';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { freePort } from '../support/ui-server';

const ALERTMANAGER = ['/usr/bin/prometheus-alertmanager', '/usr/bin/alertmanager'].find((p) => spawnSync(p, ['--version']).status === 0);

let database: ScratchDatabase;
let db: SqlExecutor;
let webhook: Server;
let webhookUrl: string;
const webhookBodies: Array<{ status: string; alerts: Array<{ status: string; labels: Record<string, string>; endsAt: string }> }> = [];
let alertmanager: ChildProcess | undefined;
let alertmanagerUrl: string | undefined;
let dir: string;

before(async () => {
  database = await createScratchDatabase();
  await migrateDatabase(database.url);
  db = createPgExecutor(database.url, 2);
  process.env.DATABASE_URL = database.url;
  dir = mkdtempSync(path.join(os.tmpdir(), 'meshlight-alerting-'));
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      webhookBodies.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as { port: number }).port}/hook`;
  if (!ALERTMANAGER) {
    console.log('# prometheus-alertmanager not installed (apt-get install -y prometheus-alertmanager): skipping its part');
    return;
  }
  const port = await freePort();
  writeFileSync(path.join(dir, 'alertmanager.yml'), "route:\n  receiver: 'null'\n  group_wait: 0s\nreceivers:\n  - name: 'null'\n");
  alertmanager = spawn(ALERTMANAGER, [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
  ], { stdio: 'ignore' });
  alertmanagerUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const ready = await fetch(`${alertmanagerUrl}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((r) => setTimeout(r, 50)); // waiting for a child process to listen: nothing to await instead
  }
});

after(async () => {
  alertmanager?.kill();
  webhook.close();
  await disconnectDb();
  await db.close();
  await database.drop();
});

const STEP = 15_000;

test('built-in and file rules: stored with history, sent to a webhook and to a real Alertmanager', async () => {
  // A clock that starts 90 s in the past, so a resolved alert's endsAt is already over when Alertmanager reads it.
  const t0 = Date.now() - 90_000;
  let now = t0;
  const rulesFile = path.join(dir, 'rules.yml');
  writeFileSync(
    rulesFile,
    `groups:
  - name: red
    rules:
      - alert: PaymentsErrors
        expr: sum by (service) (meshlight_span_errors_total{service="payments"}) > 0
        labels: { severity: page }
        annotations: { summary: "{{ $labels.service }} failed {{ $value }} calls" }
`,
  );
  const minute = Math.floor((t0 - 120_000) / 60_000) * 60_000;
  await db.query(
    `INSERT INTO operation_red_minutes (minute, environment, service_name, span_name, span_kind, calls, errors, latency_count, latency_sum_us, latency_max_us, histogram)
     VALUES (to_timestamp($1::float8 / 1000), '', 'payments', 'charge', 2, 10, 7, 10, 1000, 100, '[3:3]={10}')`,
    [minute],
  );
  await db.query(
    `INSERT INTO breaker_status (service, name, target, state, since_ms, last_seen_ms, source) VALUES ('orders', 'payments.charge', 'payments', 'open', $1, $1, 'opossum')`,
    [t0],
  );
  await db.query(
    `INSERT INTO lag_status (system, cluster, destination, grp, lag, status, trend, since_ms, updated_ms) VALUES ('rabbitmq', 'local', 'order.created', 'order.created', 250, 'WARN', 'growing', $1, $1)`,
    [t0],
  );
  const loop = new AlertLoop(db, { intervalMs: STEP, rulesFile, notifier: { webhookUrl, alertmanagerUrl, externalUrl: 'http://meshlight.test' }, now: () => now }, console);

  const round = async () => {
    const began = performance.now();
    const rounds = await loop.evaluateOnce();
    console.log(`# alert evaluation round (6 rules, PostgreSQL, notifications): ${(performance.now() - began).toFixed(1)} ms`);
    const states = Object.fromEntries(rounds.map((r) => [r.ruleId, r.alerts.map((a) => a.state).join(',')]));
    now += STEP;
    return states;
  };
  const first = await round();
  assert.equal(first['builtin:breaker-open'], 'firing');
  assert.equal(first['builtin:lag-warn'], 'firing');
  assert.equal(first['file:red/PaymentsErrors'], 'firing');

  if (alertmanagerUrl) {
    const active = (await (await fetch(`${alertmanagerUrl}/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string>; status: { state: string }; generatorURL: string }>;
    const names = active.map((a) => `${a.labels.alertname}:${a.status.state}`).sort();
    assert.deepEqual(names, ['CircuitBreakerOpen:active', 'ConsumerLag:active', 'PaymentsErrors:active']);
    assert.match(active[0]!.generatorURL, /^http:\/\/meshlight\.test\/incidents\?rule=/);
  }

  // The breaker closes and the queue drains: resolved after keep_firing_for (30 s).
  await db.query(`UPDATE breaker_status SET state = 'closed'`);
  await db.query(`UPDATE lag_status SET status = 'OK'`);
  assert.equal((await round())['builtin:breaker-open'], 'firing'); // t0+15 s: kept firing
  assert.equal((await round())['builtin:breaker-open'], 'firing'); // t0+30 s
  const resolved = await round(); // t0+45 s: 30 s after it was first missing
  assert.equal(resolved['builtin:breaker-open'], 'resolved');
  assert.equal(resolved['builtin:lag-warn'], 'resolved');
  assert.equal(resolved['file:red/PaymentsErrors'], 'firing');

  const history = await db.query<{ rule_id: string; from_state: string; to_state: string; t_ms: string }>(
    `SELECT rule_id, from_state, to_state, t_ms FROM alert_history WHERE rule_id = 'builtin:breaker-open' ORDER BY id`,
  );
  assert.deepEqual(history.map((h) => [h.from_state, h.to_state, Number(h.t_ms) - t0]), [['inactive', 'pending', 0], ['pending', 'firing', 0], ['firing', 'resolved', 45_000]]);

  assert.ok(webhookBodies.length >= 2);
  assert.deepEqual(webhookBodies[0]!.alerts.map((a) => a.labels.alertname).sort(), ['CircuitBreakerOpen', 'ConsumerLag', 'PaymentsErrors']);
  const last = webhookBodies.at(-1)!;
  assert.equal(last.status, 'resolved');
  assert.deepEqual(last.alerts.map((a) => a.status), ['resolved', 'resolved']);

  if (alertmanagerUrl) {
    const active = (await (await fetch(`${alertmanagerUrl}/api/v2/alerts?active=true`)).json()) as Array<{ labels: Record<string, string> }>;
    assert.deepEqual(active.map((a) => a.labels.alertname), ['PaymentsErrors']);
  }

  // A restarted loop picks up where the stored alerts left off: no new pending → firing.
  const again = new AlertLoop(db, { intervalMs: STEP, rulesFile, notifier: { externalUrl: 'http://meshlight.test' }, now: () => now }, console);
  const rounds = await again.evaluateOnce();
  const payments = rounds.find((r) => r.ruleId === 'file:red/PaymentsErrors')!;
  assert.deepEqual(payments.transitions, []);
  assert.equal(payments.alerts[0]!.activeAtMs, t0);
});
