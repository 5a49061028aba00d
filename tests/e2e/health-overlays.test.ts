// Breakers and broker lag end to end in a real browser (Debian's chromium via playwright-core),
// against the production UI build and a collector on a scratch database, every part real:
//  - a real opossum breaker measured by opossum-prometheus, served by a tiny HTTP server and
//    registered through POST /api/scrape-targets (1 s interval); official OTLP exporter spans make
//    the edge orders → payments. Driven open, the map's edge shows the breaker and /breakers shows
//    an open tile; the time from `breaker.opened` is printed (the target: 5 s, typically
//    0.5 s here). The wait allows 30 s: a timing assertion flakes on 2 shared cores under a CI load.
//  - a RabbitMQ queue (amqplib, unique name) with producer/consumer spans naming it, and RabbitMQ's
//    own per-object Prometheus endpoint registered as a scrape target; published to with no
//    consumer, the queue's node on the map turns its lag badge from OK to non-OK.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import amqp from 'amqplib';
import CircuitBreaker from 'opossum';
import { Registry } from 'prom-client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import type { BreakerWire } from '../../lib/contracts/health-api';
import type { ScrapeTargetView } from '../../lib/contracts/scrape-config';
import { buildUi, ROOT } from '../../scripts/prepare';
import { uiServerArgs, uiServerEnv } from '../../scripts/ui-process';
import { exportSpans, makeExporter } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { freePort } from '../support/ui-server';

// opossum-prometheus has no types of its own (the demo declares them in scripts/demo/lib).
const { default: PrometheusMetrics } = (await import('opossum-prometheus')) as unknown as {
  default: new (options: { circuits: CircuitBreaker[]; registry: Registry }) => { clear(): void };
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const mode = process.env.MESHLIGHT_E2E_NEXT === 'dev' ? 'dev' : 'start';
const RABBIT_METRICS = 'http://127.0.0.1:15692/metrics/per-object';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: ChildProcess | undefined;
let browser: Browser;
let baseUrl: string;

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the UI server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Polls `probe` until it returns a value (bounded). */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sends spans with the official OTLP/HTTP exporter; `build` makes them with one tracer per service. */
async function sendSpans(services: string[], build: (tracers: Map<string, ReturnType<BasicTracerProvider['getTracer']>>) => void): Promise<void> {
  const memory = new InMemorySpanExporter();
  const tracers = new Map(
    services.map((name) => [
      name,
      new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': name, 'deployment.environment.name': 'e2e' }),
        spanProcessors: [new SimpleSpanProcessor(memory)],
      }).getTracer('meshlight-e2e'),
    ]),
  );
  build(tracers);
  const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
  await exportSpans(exporter, memory.getFinishedSpans());
  await exporter.shutdown();
}

/** orders (root SERVER, CLIENT call) → payments (SERVER). */
const sendCall = () =>
  sendSpans(['orders', 'payments'], (t) => {
    const root = t.get('orders')!.startSpan('POST /orders', { kind: SpanKind.SERVER });
    const call = t.get('orders')!.startSpan('POST /charge', { kind: SpanKind.CLIENT, attributes: { 'peer.service': 'payments' } }, trace.setSpan(context.active(), root));
    const server = t.get('payments')!.startSpan('POST /charge', { kind: SpanKind.SERVER }, trace.setSpan(context.active(), call));
    server.end();
    call.end();
    root.end();
  });

/** orders publishes to `queue`, notifier consumes it (RabbitMQ semantic conventions). */
const sendMessage = (queue: string) =>
  sendSpans(['orders', 'notifier'], (t) => {
    const attributes = { 'messaging.system': 'rabbitmq', 'messaging.destination.name': queue, 'messaging.operation.type': 'send' };
    const root = t.get('orders')!.startSpan('POST /orders', { kind: SpanKind.SERVER });
    const publish = t.get('orders')!.startSpan(`${queue} publish`, { kind: SpanKind.PRODUCER, attributes }, trace.setSpan(context.active(), root));
    publish.end();
    const consume = t.get('notifier')!.startSpan(`${queue} process`, { kind: SpanKind.CONSUMER, attributes: { ...attributes, 'messaging.operation.type': 'process' } }, trace.setSpan(context.active(), publish));
    consume.end();
    root.end();
  });

async function postTarget(body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${baseUrl}/api/scrape-targets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return (JSON.parse(text) as { id: string }).id;
}

async function targetUp(id: string): Promise<void> {
  await eventually(async () => {
    const rows = (await (await fetch(`${baseUrl}/api/scrape-targets`)).json()) as ScrapeTargetView[];
    return rows.find((r) => r.id === id && r.health === 'up');
  }, `scrape target ${id} up`);
}

async function openMap(page: Page, nodeId: string): Promise<void> {
  await page.goto(`${baseUrl}/service-map`, { waitUntil: 'load', timeout: 120_000 });
  await page.locator(`[data-testid="map-node-${nodeId}"]`).waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="service-map-canvas"][data-live-status="live"]').waitFor({ timeout: 15_000 });
}

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_health');
  const defaults = readCollectorConfig({});
  collector = await startTestCollector(database.url, { metrics: { ...defaults.metrics, scrapeSelf: false, scrapeReloadMs: 300 } });
  if (mode === 'start') buildUi();
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  ui = spawn(process.execPath, uiServerArgs(mode, port, '127.0.0.1'), {
    cwd: ROOT,
    env: uiServerEnv(process.env, {
      NODE_ENV: mode === 'dev' ? 'development' : 'production',
      DATABASE_URL: collector.databaseUrl,
      MESHLIGHT_COLLECTOR_OTLP_HTTP: `http://127.0.0.1:${collector.httpPort}`,
      MESHLIGHT_SELF_TRACE_RATIO: '0',
    }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHttp(`${baseUrl}/api/health`, mode === 'dev' ? 180_000 : 60_000, ui);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  if (ui && ui.exitCode === null) {
    ui.kill('SIGTERM');
    await new Promise((resolve) => ui!.once('exit', resolve));
  }
  await collector?.stop();
  await database?.drop();
});

test('a real opossum breaker opening shows on the map edge orders → payments and on /breakers, live', { timeout: 180_000 }, async () => {
  let failing = false;
  const breaker = new CircuitBreaker(
    async () => {
      if (failing) throw new Error('payments down');
      return 'ok';
    },
    { name: 'payments', resetTimeout: 120_000, errorThresholdPercentage: 50, volumeThreshold: 2 },
  );
  breaker.fallback(() => 'fallback');
  const registry = new Registry();
  const metrics = new PrometheusMetrics({ circuits: [breaker], registry });
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  const [map, tiles] = [await browser.newPage({ viewport: { width: 1400, height: 900 } }), await browser.newPage({ viewport: { width: 1400, height: 900 } })];
  try {
    for (let i = 0; i < 3; i++) {
      await breaker.fire();
      await sendCall();
    }
    assert.ok(await collector.flushed());
    await collector.serviceGraph!.flush({ expirePending: true });
    const id = await postTarget({ job: 'orders', target: address, intervalSeconds: 1 });
    await targetUp(id);
    // The breaker is known, closed, before it opens (so the opening is a transition).
    await eventually(async () => {
      await collector.health.flush();
      const list = (await (await fetch(`${baseUrl}/api/breakers`)).json()) as BreakerWire[];
      return list.find((b) => b.service === 'orders' && b.name === 'payments' && b.state === 'closed');
    }, 'the closed breaker in /api/breakers');

    await openMap(map, 'service:payments');
    await tiles.goto(`${baseUrl}/breakers`, { waitUntil: 'load', timeout: 60_000 });
    await tiles.locator('.breaker-tile[aria-label^="payments"]').waitFor({ timeout: 15_000 });
    assert.equal(await map.locator('[data-testid^="map-edge-breaker-service:orders->service:payments"]').count(), 0, 'no breaker drawn while closed');

    failing = true;
    while (!breaker.opened) await breaker.fire();
    const openedAt = Date.now();
    const left = () => Math.max(1, openedAt + 30_000 - Date.now());
    const seen = await Promise.all([
      map
        .locator('[data-testid^="map-edge-breaker-service:orders->service:payments"]')
        .filter({ hasText: 'open' })
        .waitFor({ timeout: left() })
        .then(() => Date.now() - openedAt),
      tiles
        .locator('.breaker-tile[data-state="open"][aria-label^="payments"]')
        .waitFor({ timeout: left() })
        .then(() => Date.now() - openedAt),
    ]);
    console.log(`  breaker.opened → map edge ${seen[0]} ms, /breakers tile ${seen[1]} ms (target 5,000 ms)`);
    await map.screenshot({ path: path.join(SHOTS, 'map-breaker-open.png') });
    await tiles.screenshot({ path: path.join(SHOTS, 'breakers-open.png') });
  } finally {
    breaker.shutdown();
    metrics.clear();
    server.closeAllConnections();
    server.close();
    await map.close();
    await tiles.close();
  }
});

test('a RabbitMQ queue published to with no consumer turns its node lag badge from OK to non-OK on the map', { timeout: 180_000 }, async (t) => {
  if (!(await fetch(RABBIT_METRICS).then((r) => r.ok).catch(() => false))) {
    t.skip(`${RABBIT_METRICS} not reachable (rabbitmq-plugins enable rabbitmq_prometheus)`);
    return;
  }
  const queue = `meshlight.e2e.${process.pid}.${Date.now()}`;
  const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    await sendMessage(queue);
    assert.ok(await collector.flushed());
    await collector.serviceGraph!.flush({ expirePending: true });
    const id = await postTarget({ job: 'rabbitmq', target: '127.0.0.1:15692', metricsPath: '/metrics/per-object', intervalSeconds: 1 });
    await targetUp(id);

    await openMap(page, 'service:notifier');
    const badge = page.locator(`[data-testid^="map-node-lag-messaging:"][data-testid*="${queue}"]`);
    // The empty queue first shows OK (the plugin refreshes its numbers every ~5 s).
    await badge.filter({ hasText: 'OK' }).waitFor({ timeout: 30_000 });
    const started = Date.now();
    for (let i = 0; i < 50; i++) channel.sendToQueue(queue, Buffer.from(`order ${i}`));
    await channel.checkQueue(queue);
    await badge.filter({ hasText: /STOP|WARN|ERR|STALL/ }).waitFor({ timeout: 45_000 });
    console.log(`  published 50 with no consumer → non-OK badge on the map in ${Date.now() - started} ms: ${await badge.textContent()}`);
    await page.screenshot({ path: path.join(SHOTS, 'map-queue-lag.png') });
  } finally {
    await page.close();
    await channel.deleteQueue(queue).catch(() => {});
    await connection.close();
  }
});
