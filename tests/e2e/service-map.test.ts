// The service map in a real browser (Debian's chromium via playwright-core) against the production
// build (`next build` output served by `next start` on a free port) and a collector on a scratch
// database: the map shows what was sent; a service that starts sending while the map is open
// appears on it without a reload and without moving what is already drawn; clicking a node opens
// its panel; a trace can be highlighted. MESHLIGHT_E2E_NEXT=dev runs `next dev` instead (no build,
// for working on the UI while other files do not type-check).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildUi, ROOT } from '../../scripts/prepare';
import { uiServerArgs, uiServerEnv } from '../../scripts/ui-process';
import { exportSpans, makeExporter } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { freePort } from '../support/ui-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const mode = process.env.MESHLIGHT_E2E_NEXT === 'dev' ? 'dev' : 'start';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: ChildProcess | undefined;
let browser: Browser;
let baseUrl: string;
let seededTraceId = '';

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the UI server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Sends, with the official OTLP/HTTP exporter, a request from `caller` (a root SERVER span and a
 * CLIENT call) to `callee` (its SERVER span), as two services would.
 */
async function sendCall(caller: string, callee: string, options: { fail?: boolean } = {}): Promise<string> {
  const memory = new InMemorySpanExporter();
  const providers = [caller, callee].map(
    (name) =>
      new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': name, 'deployment.environment.name': 'e2e' }),
        spanProcessors: [new SimpleSpanProcessor(memory)],
      }),
  );
  const [callerTracer, calleeTracer] = providers.map((p) => p.getTracer('meshlight-e2e'));
  const root = callerTracer!.startSpan(`GET /${caller}`, { kind: SpanKind.SERVER });
  const call = callerTracer!.startSpan(`GET /${callee}`, { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), root));
  const server = calleeTracer!.startSpan(`GET /${callee}`, { kind: SpanKind.SERVER }, trace.setSpan(context.active(), call));
  if (options.fail) server.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  server.end();
  call.end();
  root.end();
  const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
  await exportSpans(exporter, memory.getFinishedSpans());
  await exporter.shutdown();
  return root.spanContext().traceId;
}

async function nodeBoxes(page: Page): Promise<Map<string, { x: number; y: number }>> {
  const boxes = await page.locator('.react-flow__node').evaluateAll((nodes) =>
    nodes.map((n) => {
      const rect = n.getBoundingClientRect();
      return [n.getAttribute('data-id') ?? '', { x: Math.round(rect.x), y: Math.round(rect.y) }] as const;
    }),
  );
  return new Map(boxes);
}

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_map');
  collector = await startTestCollector(database.url);
  for (let i = 0; i < 3; i++) seededTraceId = await sendCall('storefront', 'catalog', { fail: i === 0 });
  assert.ok(await collector.flushed());
  await collector.serviceGraph!.flush({ expirePending: true });

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
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
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

test('a service that starts sending appears on the open map within 2 s, without a reload or a jump', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${baseUrl}/service-map`, { waitUntil: 'load', timeout: 120_000 });
  await page.locator('[data-testid="map-node-service:catalog"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="service-map-canvas"][data-live-status="live"]').waitFor({ timeout: 15_000 });
  assert.ok(await page.locator('[data-testid="map-node-user:user"]').isVisible(), 'the root SERVER span has a user caller');
  // Let the first layout's fit animation finish before measuring where nodes are.
  await page.waitForTimeout(600);
  const before = await nodeBoxes(page);
  await page.evaluate(() => ((window as unknown as { meshlightMarker: string }).meshlightMarker = 'still here'));

  const sentAt = Date.now();
  await sendCall('brand-new', 'catalog');
  await page.locator('[data-testid="map-node-service:brand-new"]').waitFor({ timeout: 10_000 });
  const latencyMs = Date.now() - sentAt;
  await page.screenshot({ path: path.join(SHOTS, 'service-map-new-service.png') });
  console.log(`  live: span sent → node on the map in ${latencyMs} ms`);
  assert.ok(latencyMs <= 2_000, `the new service appeared after ${latencyMs} ms`);

  assert.equal(await page.evaluate(() => (window as unknown as { meshlightMarker?: string }).meshlightMarker), 'still here', 'no reload');
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
  assert.ok(await page.locator('[data-testid^="map-edge-label-service:brand-new->service:catalog"]').isVisible(), 'its edge is drawn');
  const afterBoxes = await nodeBoxes(page);
  for (const [id, box] of before) {
    const now = afterBoxes.get(id);
    assert.ok(now, `${id} is still drawn`);
    assert.ok(Math.abs(now.x - box.x) <= 1 && Math.abs(now.y - box.y) <= 1, `${id} did not move (${JSON.stringify(box)} → ${JSON.stringify(now)})`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('clicking a node opens its panel with RED numbers and its operations, linked to traces', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${baseUrl}/service-map`, { waitUntil: 'load' });
  await page.locator('[data-testid="map-node-service:catalog"]').click();
  const panel = page.locator('aside.sm-panel');
  await panel.waitFor();
  assert.match(await panel.innerText(), /catalog/);
  await panel.locator('table.sm-ops a', { hasText: 'GET /catalog' }).waitFor({ timeout: 10_000 });
  const href = await panel.locator('table.sm-ops a', { hasText: 'GET /catalog' }).getAttribute('href');
  assert.match(href ?? '', /^\/traces\?service=catalog&operation=GET\+%2Fcatalog/);
  await page.locator('.red-charts').first().waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'service-map-node-panel.png') });
  await page.close();
});

test('an edge panel links to failing traces, and a trace can be highlighted as a path', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${baseUrl}/service-map?trace=${seededTraceId}`, { waitUntil: 'load' });
  await page.locator('.sm-node.is-highlighted[data-testid="map-node-service:storefront"]').waitFor({ timeout: 15_000 });
  assert.ok(await page.locator('[data-testid="map-node-service:brand-new"].is-dimmed').isVisible(), 'off the path: dimmed');
  await page.locator('[data-testid^="map-edge-label-service:storefront->service:catalog"]').click();
  const failing = page.locator('aside.sm-panel .sm-exemplar-list a.error-text');
  await failing.first().waitFor({ timeout: 10_000 });
  assert.match((await failing.first().getAttribute('href')) ?? '', /^\/traces\/[0-9a-f]{32}$/);
  await page.screenshot({ path: path.join(SHOTS, 'service-map-edge-panel.png') });
  await page.close();
});
