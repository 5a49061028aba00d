// Incidents end to end in a real browser (Debian's chromium via playwright-core) against the
// production build and a collector on a scratch database: checkouts from orders to payments start
// failing (spans sent with the official OTLP exporter); the collector's own alert loop (every 15 s)
// fires the built-in error-rate rule on both services, the incident appears on an open /incidents
// by itself (pushed over the collector's live WebSocket: the page does not poll while live)
// suggesting payments, and from /incidents a failing trace is two clicks away (the incident, an
// example failing trace), its logs across services two (the trace's Logs tab), and the failing
// traces of any moment three (the incident, that moment's failing traces of payments, a trace).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../../scripts/prepare';
import { exportSpans, makeExporter } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { startUiServer, type UiServer } from '../support/ui-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'e2e');

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: UiServer;
let browser: Browser;

before(async () => {
  database = await createScratchDatabase();
  collector = await startTestCollector(database.url);
  ui = await startUiServer(database.url, { MESHLIGHT_COLLECTOR_OTLP_HTTP: `http://127.0.0.1:${collector.httpPort}` });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await collector?.stop();
  await database?.drop();
});

/** `n` checkouts orders → payments, each failing in payments and so in orders. */
async function sendFailingCheckouts(n: number): Promise<void> {
  const memory = new InMemorySpanExporter();
  const providers = ['orders', 'payments'].map(
    (name) => new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': name }), spanProcessors: [new SimpleSpanProcessor(memory)] }),
  );
  const [orders, payments] = providers.map((p) => p.getTracer('meshlight-e2e'));
  for (let i = 0; i < n; i++) {
    const root = orders!.startSpan('POST /checkout', { kind: SpanKind.SERVER });
    const call = orders!.startSpan('payments.charge', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root));
    const server = payments!.startSpan('POST /charge', { kind: SpanKind.SERVER }, trace.setSpan(context.active(), call));
    for (const span of [server, call, root]) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'payment provider unavailable' });
      span.end();
    }
  }
  const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
  await exportSpans(exporter, memory.getFinishedSpans());
  await exporter.shutdown();
}

test('a failing dependency becomes an incident on an open /incidents by itself; a failing trace and its logs are two clicks away', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${ui.url}/incidents`);
  await page.getByText('No incidents in the last 24 hours.').waitFor();
  await page.getByTestId('live').getByText('Live').waitFor({ timeout: 15_000 });
  await sendFailingCheckouts(40);
  // The collector's alert loop evaluates every 15 s; the page hears of the firing alerts and refetches.
  await page.locator('[data-testid=incidents] a').first().waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('live').textContent(), 'Live', 'the row came while live, so not from polling');
  const incidents = (await (await fetch(`${ui.url}/api/incidents`)).json()) as Array<{ id: string; services: string[]; rootCause: { service: string } | null }>;
  assert.equal(incidents.length, 1);
  assert.deepEqual(incidents[0]!.services, ['orders', 'payments']);
  assert.equal(incidents[0]!.rootCause?.service, 'payments');
  await page.screenshot({ path: path.join(SHOTS, 'incidents.png'), fullPage: true });

  // Click 1: the incident.
  await page.locator('[data-testid=incidents] a').first().click();
  await page.waitForURL(/\/incidents\/[0-9a-z]+-[0-9a-f]{8}$/);
  const incidentUrl = page.url();
  await page.getByTestId('root-cause').getByText(/payments/).first().waitFor();
  const logs = await page.getByTestId('incident-logs').getByRole('link', { name: 'Logs of payments' }).getAttribute('href');
  assert.match(logs!, /^\/logs\?service=payments&start=\d+&end=\d+$/);
  await page.screenshot({ path: path.join(SHOTS, 'incident.png'), fullPage: true });

  // Click 2: an example failing trace of the incident.
  const example = page.getByTestId('example-traces').getByRole('link', { name: /^failing · payments/ }).first();
  await example.waitFor({ timeout: 15_000 });
  await example.click();
  await page.waitForURL(/\/traces\/[0-9a-f]{32}$/);
  await page.getByText('payments.charge').first().waitFor({ timeout: 15_000 });
  await page.screenshot({ path: path.join(SHOTS, 'incident-trace.png') });

  // Or click 2: its logs across services (the trace's Logs tab: by trace id and correlation id).
  await page.goto(incidentUrl);
  await page.getByTestId('example-traces').getByRole('link', { name: 'its logs' }).first().click();
  await page.waitForURL(/\/traces\/[0-9a-f]{32}\?view=logs$/);
  await page.getByRole('tab', { name: 'Logs', selected: true }).waitFor();

  // Any moment: click 2, the failing traces of payments at that moment; click 3, a trace.
  await page.goto(incidentUrl);
  await page.getByRole('link', { name: 'Failing traces of payments' }).click();
  await page.waitForURL(/\/traces\?/);
  await page.locator('a.trace-row').first().click();
  await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
  await page.close();
});
