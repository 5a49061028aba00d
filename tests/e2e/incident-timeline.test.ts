// The incident page's time axis in a real browser, over a drawn payments-down incident stored the
// way the collector stores it (RED rollups, breaker transitions, a deploy in `resources`, alert
// history, service-graph edges): the breaker's bands, the deploy marker, RED per service, the
// suggested root cause, a click inside the open band leading to the open breaker (a deep link that
// selects its tile on /breakers), the involved part of the map drawn, and /lag's deep link.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../../scripts/prepare';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startUiServer, type UiServer } from '../support/ui-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const MIN = 60_000;

let database: ScratchDatabase;
let ui: UiServer;
let browser: Browser;
/** The drawing's origin: 20 minutes ago, on a minute. */
const T = Math.floor((Date.now() - 20 * MIN) / MIN) * MIN;

async function seed(url: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  const q = (sql: string, params: unknown[]) => client.query(sql, params);
  try {
    // RED per minute: healthy, then payments fails from T+10 to T+14 and orders with it.
    for (let m = -30; m <= 19; m++) {
      const failing = m >= 10 && m <= 13;
      for (const [service, calls, errors, bucket] of [
        ['gateway', 120, failing ? 40 : 1, 30],
        ['orders', 120, failing ? 70 : 1, failing ? 38 : 31],
        ['payments', 100, failing ? 90 : 0, failing ? 26 : 28],
      ] as const) {
        await q(
          `INSERT INTO service_red_minutes (minute, environment, service_name, calls, errors, latency_count, latency_sum_us, latency_max_us, histogram)
           VALUES (to_timestamp($1::float8 / 1000), '', $2, $3, $4, $3, 1000000, 100000, $5)`,
          [T + m * MIN, service, calls, errors, `[${bucket}:${bucket}]={${calls}}`],
        );
      }
    }
    for (const [sk, sn, tk, tn] of [['user', 'user', 'service', 'gateway'], ['service', 'gateway', 'service', 'orders'], ['service', 'orders', 'service', 'payments'], ['service', 'orders', 'service', 'inventory']]) {
      await q(
        `INSERT INTO service_graph_edge_minutes (minute, source_kind, source_name, target_kind, target_name, connection_type, calls, errors, latency_count, latency_sum_us, latency_max_us)
         VALUES (to_timestamp($1::float8 / 1000), $2, $3, $4, $5, 'request', 100, 0, 100, 1000, 100)`,
        [T + 10 * MIN, sk, sn, tk, tn],
      );
    }
    await q(`INSERT INTO breaker_status (service, name, target, state, since_ms, last_seen_ms, source) VALUES ('orders', 'payments.charge', 'payments', 'closed', $1, $2, 'span')`, [T + 14 * MIN, T + 19 * MIN]);
    const transitions: Array<[number, string | null, string]> = [[T + 10.5 * MIN, 'closed', 'open'], [T + 11.5 * MIN, 'open', 'half_open'], [T + 11.6 * MIN, 'half_open', 'open'], [T + 12.6 * MIN, 'open', 'half_open'], [T + 14 * MIN, 'half_open', 'closed']];
    for (const [t, from, to] of transitions) {
      await q(`INSERT INTO breaker_transitions (service, name, t_ms, from_state, to_state, source) VALUES ('orders', 'payments.charge', $1, $2, $3, 'span')`, [Math.round(t), from, to]);
    }
    // Two consumer groups on /lag, for its deep link: the worst (selected by default) and billing.
    for (const [grp, lag, status] of [['shipping', 9000, 'STALL'], ['billing', 40, 'WARN']] as const) {
      await q(
        `INSERT INTO lag_status (system, cluster, destination, grp, lag, status, trend, since_ms, updated_ms) VALUES ('kafka', 'main', 'orders.events', $1, $2, $3, 'growing', $4, $4)`,
        [grp, lag, status, Date.now()],
      );
    }
    // A deploy of payments just before it failed.
    await q(`INSERT INTO resources (id, service_name, attributes, first_seen) VALUES (1, 'payments', '{"service.name":"payments","service.version":"1.4.2"}', to_timestamp($1::float8 / 1000))`, [T - 120 * MIN]);
    await q(`INSERT INTO resources (id, service_name, attributes, first_seen) VALUES (2, 'payments', '{"service.name":"payments","service.version":"1.5.0"}', to_timestamp($1::float8 / 1000))`, [T + 9.8 * MIN]);
    // The alerts the loop fired, as history.
    const episodes: Array<[string, Record<string, string>, string, number, number]> = [
      ['builtin:error-rate-jump', { alertname: 'ErrorRateJump', signal: 'error_rate', service: 'payments', severity: 'critical' }, 'Error rate of payments is 90%', T + 10 * MIN + 5_000, T + 14.5 * MIN],
      ['builtin:error-rate-jump', { alertname: 'ErrorRateJump', signal: 'error_rate', service: 'orders', severity: 'critical' }, 'Error rate of orders is 58%', T + 10 * MIN + 20_000, T + 14.5 * MIN],
      ['builtin:error-rate-jump', { alertname: 'ErrorRateJump', signal: 'error_rate', service: 'gateway', severity: 'critical' }, 'Error rate of gateway is 33%', T + 10 * MIN + 35_000, T + 14.25 * MIN],
      ['builtin:breaker-open', { alertname: 'CircuitBreakerOpen', signal: 'breaker', service: 'orders', breaker: 'payments.charge', target: 'payments', severity: 'critical' }, 'Breaker payments.charge in orders is open', T + 10.5 * MIN + 5_000, T + 14.5 * MIN],
    ];
    for (const [rule, labels, summary, start, end] of episodes) {
      const key = JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
      for (const [from, to, t] of [['inactive', 'pending', start], ['pending', 'firing', start], ['firing', 'resolved', end]] as const) {
        await q(
          `INSERT INTO alert_history (rule_id, labels_key, labels, annotations, from_state, to_state, t_ms, active_at_ms, value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)`,
          [rule, key, labels, { summary }, from, to, Math.round(t), Math.round(start)],
        );
      }
    }
  } finally {
    await client.end();
  }
}

before(async () => {
  database = await createScratchDatabase();
  await migrateDatabase(database.url);
  await seed(database.url);
  ui = await startUiServer(database.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await database?.drop();
});

test('a payments-down incident on one time axis: breaker bands, deploy, RED, root cause, and the open breaker from a moment', async () => {
  const incidents = (await (await fetch(`${ui.url}/api/incidents`)).json()) as Array<{ id: string; startMs: number; endMs: number; services: string[]; rootCause: { service: string } }>;
  assert.equal(incidents.length, 1);
  const [incident] = incidents;
  assert.deepEqual(incident!.services, ['gateway', 'orders', 'payments']);
  assert.equal(incident!.rootCause.service, 'payments');
  assert.equal(incident!.startMs, T + 10 * MIN + 5_000);
  assert.equal(incident!.endMs, T + 14.5 * MIN);

  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await page.goto(`${ui.url}/incidents/${incident!.id}`);
  await page.getByTestId('root-cause').getByText(/Suspected root cause: payments/).waitFor();
  await page.getByText('payments 1.5.0 at').waitFor();
  const track = page.locator('[data-testid="track-breaker-orders-payments.charge"]');
  assert.equal(await track.locator('.inc-band').count(), 6); // closed, open, half-open, open, half-open, closed
  // Click inside the first open band (T+10.5 … T+11.5 min) on a scale of [start − 5 min, end + 5 min].
  const box = (await track.boundingBox())!;
  const scaleStart = incident!.startMs - 5 * MIN;
  const scaleEnd = Math.min(Date.now(), incident!.endMs + 5 * MIN);
  const x = ((T + 11 * MIN - scaleStart) / (scaleEnd - scaleStart)) * box.width;
  await track.click({ position: { x, y: box.height / 2 } });
  const breakerLink = page.getByRole('link', { name: 'Breaker payments.charge in orders is open' });
  await breakerLink.waitFor();
  assert.equal(await breakerLink.getAttribute('href'), '/breakers?service=orders&name=payments.charge');
  const traces = new URL((await page.getByRole('link', { name: 'Failing traces of payments' }).getAttribute('href'))!, 'http://x');
  const startUs = Number(traces.searchParams.get('start'));
  assert.ok(Math.abs(startUs / 1000 - (T + 10 * MIN)) < 30_000, 'the traces link covers the clicked moment ±1 min');
  // The involved part of the map, drawn: gateway, orders, payments (+ inventory and the users).
  const map = page.getByTestId('involved-map');
  await map.locator('.react-flow__node').first().waitFor();
  assert.equal(await map.getAttribute('data-first-signal'), 'service:payments');
  assert.equal(await map.locator('.react-flow__node').count(), 5);
  // With the traffic of the incident's window (the minute T+10's rollups), not placeholders.
  await map.locator('.sm-edge-label').first().waitFor();
  const edgeLabels = await map.locator('.sm-edge-label').allInnerTexts();
  assert.equal(edgeLabels.length, 4);
  for (const label of edgeLabels) assert.doesNotMatch(label, /^0\/s/, `edge label: ${label}`);
  for (const service of ['gateway', 'orders', 'payments']) {
    const stats = await map.getByTestId(`map-node-service:${service}`).locator('.sm-node-stats').first().innerText();
    assert.doesNotMatch(stats, /idle|^0\/s/, `${service}: ${stats}`);
  }
  // Minutes T+10 … T+14 of the window: four failing (90 of 100) and one healed: 360 / 500.
  assert.match(await map.getByTestId('map-node-service:payments').innerText(), /72% err/);
  await page.screenshot({ path: path.join(SHOTS, 'incident-timeline.png'), fullPage: true });
  // The breaker link selects that one breaker's tile on /breakers.
  await breakerLink.click();
  await page.waitForURL(/\/breakers\?service=orders&name=payments\.charge$/);
  const tile = page.locator('article.breaker-tile[data-focused="true"]');
  await tile.waitFor();
  assert.match((await tile.getAttribute('aria-label'))!, /^payments\.charge:/);
  await page.close();
});

test('a deep link to /lag highlights that row and opens its charts', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${ui.url}/lag?system=kafka&destination=orders.events&group=billing`);
  const row = page.locator('.lag-table tr[data-focused="true"]');
  await row.waitFor();
  assert.match(await row.innerText(), /billing/);
  assert.match((await row.getAttribute('class'))!, /selected/);
  assert.equal(await page.locator('.lag-table tr[data-focused]').count(), 1);
  assert.match(await page.locator('.lag-charts h2').innerText(), /kafka · orders\.events · billing/);
  // Without the parameters, the worst row is chosen as before.
  await page.goto(`${ui.url}/lag`);
  await page.locator('.lag-charts h2', { hasText: 'shipping' }).waitFor();
  assert.equal(await page.locator('.lag-table tr[data-focused]').count(), 0);
  await page.close();
});
