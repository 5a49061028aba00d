// Incidents end to end in a real browser (Debian's chromium via playwright-core) against the
// production build and a collector on a scratch database, with a real fleet: the demo's services
// (scripts/demo: gateway, orders, payments, inventory, notifier, each its own Node process with the
// official OpenTelemetry SDK and exporters, traces and logs over OTLP/HTTP) under the demo's load
// generator. Payments is taken down through the fleet's chaos control (POST /chaos, as a user of
// `npm run demo` does); the collector's own alert loop (every 15 s) fires the built-in rules, the
// incident appears on an open /incidents by itself (pushed over the collector's live WebSocket)
// suggesting payments, its involved map carries the window's real traffic, and from /incidents a
// failing trace is two clicks away (the incident, an example failing trace) and its logs across
// services three (the trace's Logs tab). Healed through the same control, the incident resolves.
// Waits poll; nothing asserts how long anything took.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';
import type { IncidentDetailWire } from '../../lib/contracts/alerting-api';
import { acceptsOtlpLogs } from '../../scripts/demo/lib/probes';
import { ROOT } from '../../scripts/prepare';
import { startChaosFleet, type ChaosFleet } from '../support/demo-fleet';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { startUiServer, type UiServer } from '../support/ui-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const FLEET_LOGS = path.join(ROOT, 'test-results', 'e2e', 'incidents-fleet');
/** Generous: the machine is shared, and the alert loop evaluates every 15 s. */
const WAIT_MS = 180_000;

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: UiServer;
let browser: Browser;
let fleet: ChaosFleet | undefined;

before(async () => {
  database = await createScratchDatabase();
  collector = await startTestCollector(database.url);
  ui = await startUiServer(database.url, { MESHLIGHT_COLLECTOR_OTLP_HTTP: `http://127.0.0.1:${collector.httpPort}` });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  mkdirSync(SHOTS, { recursive: true });
  const otlpEndpoint = `http://127.0.0.1:${collector.httpPort}`;
  // The services' pino logs go to Meshlight over OTLP, as `npm run demo` sends them when it can.
  assert.equal(await acceptsOtlpLogs(otlpEndpoint), true);
  fleet = await startChaosFleet({ otlpEndpoint, otlpLogs: true, logDir: FLEET_LOGS, requestsPerSecond: 6 });
});

after(async () => {
  await fleet?.stop();
  await browser?.close();
  await ui?.stop();
  await collector?.stop();
  await database?.drop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

test('payments taken down in a real fleet: an incident on /incidents by itself, a failing trace in two clicks and its logs in three, resolved when healed', { timeout: 15 * 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${ui.url}/incidents`);
  await page.getByTestId('live').getByText('Live').waitFor({ timeout: 30_000 });
  // Calm traffic through every service first: checkouts answered, their spans stored.
  await until('calm checkouts stored', async () => {
    const services = await getJson<{ data: string[] }>(`${ui.url}/api/services`);
    return fleet!.load.counters().ok >= 30 && ['gateway', 'orders', 'payments'].every((s) => services.data.includes(s)) ? true : undefined;
  });

  await fleet!.chaos('payments-down');
  const chaosAt = Date.now();
  // The alert loop fires; the open page hears of it and shows the incident suggesting payments.
  const row = page.locator('[data-testid=incidents] tr', { has: page.locator('td.inc-root', { hasText: /^payments$/ }) });
  await row.locator('a').first().waitFor({ timeout: WAIT_MS });
  console.log(`# incident on /incidents ${((Date.now() - chaosAt) / 1000).toFixed(0)} s after the chaos (load: ${JSON.stringify(fleet!.load.counters())})`);
  assert.equal(await page.getByTestId('live').textContent(), 'Live', 'the row came while live, so not from polling');
  const id = (await row.getAttribute('data-incident'))!;
  await page.screenshot({ path: path.join(SHOTS, 'incidents.png'), fullPage: true });

  let clicks = 0;
  const click = async (target: Locator) => {
    clicks += 1;
    await target.click();
  };

  // Click 1: the incident.
  await click(row.locator('a').first());
  await page.waitForURL(new RegExp(`/incidents/${id}$`));
  await page.getByTestId('root-cause').getByText(/payments/).first().waitFor();
  // The involved map: gateway, orders and payments with the window's real traffic, not placeholders.
  const map = page.getByTestId('involved-map');
  await map.locator('.sm-edge-label').first().waitFor({ timeout: 30_000 });
  // A node known only from the grouping is drawn idle until the window's paired edges are in the
  // rollups; the page refetches the map every 15 s while the incident lasts, so give it a few.
  for (const service of ['orders', 'payments']) {
    const node = map.getByTestId(`map-node-service:${service}`).locator('.sm-node-stats').first();
    let stats = '';
    await until(`${service} with traffic on the involved map`, async () => {
      stats = await node.innerText();
      return /idle|^0\/s/.test(stats) ? undefined : stats;
    }, 60_000).catch(() => undefined);
    assert.doesNotMatch(stats, /idle|^0\/s/, `${service}: ${stats}`);
    assert.match(stats, /err/, `${service} shows its errors: ${stats}`);
  }
  const callLabel = await map.getByTestId('map-edge-label-service:orders->service:payments#request').innerText();
  assert.doesNotMatch(callLabel, /^0\/s/, callLabel);
  const detail = await getJson<IncidentDetailWire>(`${ui.url}/api/incidents/${id}`);
  const call = detail.map.edges.find((e) => e.id === 'service:orders->service:payments#request')!;
  assert.ok(call.calls > 0 && call.errorRate > 0 && call.p95Ms !== null, JSON.stringify(call));

  // Click 2: an example failing trace of payments (the page refetches while the incident lasts).
  const example = page.getByTestId('example-traces').getByRole('link', { name: /^failing · payments/ }).first();
  await example.waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(SHOTS, 'incident.png'), fullPage: true });
  await click(example);
  await page.waitForURL(/\/traces\/[0-9a-f]{32}$/);
  const traceId = page.url().split('/').pop()!;
  await page.getByText('POST /charge').first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, 'incident-trace.png') });
  assert.equal(clicks, 2, 'a failing trace two clicks from /incidents');

  // Click 3: its logs across services (by trace id and the correlation id the gateway gave it).
  await click(page.getByRole('tab', { name: 'Logs' }));
  await page.getByRole('tab', { name: 'Logs', selected: true }).waitFor();
  const logServices = await until('the trace’s logs from more than one service', async () => {
    const services = new Set(await page.locator('.trace-logs .log-service').allInnerTexts());
    return services.has('payments') && services.size >= 2 ? [...services].sort() : undefined;
  }, 60_000);
  console.log(`# logs of trace ${traceId}: ${logServices.join(', ')}`);
  assert.ok(clicks <= 3, `${clicks} clicks from /incidents to the failing trace's logs`);
  await page.screenshot({ path: path.join(SHOTS, 'incident-trace-logs.png') });

  // Healed through the same control: the incident resolves by itself, still suggesting payments.
  await fleet!.chaos('none');
  const resolved = await until('the incident to resolve', async () => {
    const incidents = await getJson<IncidentDetailWire[]>(`${ui.url}/api/incidents`);
    const incident = incidents.find((i) => i.id === id);
    return incident && incident.endMs !== null ? incident : undefined;
  });
  assert.equal(resolved.rootCause?.service, 'payments');
  assert.ok(resolved.services.includes('payments') && resolved.services.includes('orders'), resolved.services.join());
  assert.deepEqual(fleet!.unexpected, []);
  await page.close();
});
