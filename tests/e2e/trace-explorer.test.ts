// The trace explorer in a real browser (Debian's chromium via playwright-core) against the
// production build served by `next start` on a free port, on a scratch database fed by a collector
// through the official OTLP exporter: search (filters, scatter, list) → open a trace → expand and
// collapse → span details → search inside the trace → follow a span link → compare two traces →
// flame graph and statistics → download OTLP JSON and open it as a file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeShapedTrace } from '../../scripts/bench-data';
import { ROOT } from '../../scripts/prepare';
import { makeExplorerTraces, type ExplorerTraces } from '../support/explorer-traces';
import { exportSpans, makeExporter } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { startUiServer, type UiServer } from '../support/ui-server';

const SHOTS = path.join(ROOT, 'test-results', 'e2e');

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: UiServer;
let browser: Browser;
let page: Page;
let traces: ExplorerTraces;

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_explorer');
  collector = await startTestCollector(database.url);
  traces = makeExplorerTraces();
  const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
  await exportSpans(exporter, traces.spans);
  await exporter.shutdown();
  assert.ok(await collector.flushed(), 'spans were written');
  ui = await startUiServer(database.url);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  if (page && process.env.MESHLIGHT_E2E_SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'trace-explorer-last.png') }).catch(() => {});
  }
  await browser?.close();
  await ui?.stop();
  await collector?.stop();
  await database?.drop();
});

/** The waterfall's rows once its island has hydrated (a small trace's rows come with the server's HTML, before they answer clicks). */
const readyRows = () => page.locator('[data-testid="waterfall"][data-ready] .wf-row');
const rowOf = (name: string) => page.locator('.wf-row', { has: page.locator('.wf-name', { hasText: new RegExp(`^${name}$`) }) });

test('search: filters narrow the list, the scatter plot shows every result', async () => {
  await page.goto(`${ui.url}/traces?service=gateway`);
  await page.getByTestId('scatter').locator('.scatter-dot').first().waitFor();
  assert.equal(await page.getByTestId('trace-list').locator('li').count(), 2);
  assert.equal(await page.getByTestId('scatter').locator('.scatter-dot').count(), 2);

  await page.getByTestId('errors-only').check();
  await page.getByRole('button', { name: 'Find traces' }).click();
  await page.waitForURL(/errors=1/);
  await page.getByTestId('trace-list').locator('li').first().waitFor();
  assert.equal(await page.getByTestId('trace-list').locator('li').count(), 1);

  // An attribute filter, with keys suggested from recent spans.
  await page.goto(`${ui.url}/traces?service=orders`);
  await page.getByTestId('filter-key').fill('app.order.id');
  await page.getByTestId('filter-value').fill('ord-9001');
  await page.getByRole('button', { name: 'Find traces' }).click();
  await page.waitForURL(/tag=app\.order\.id/);
  await page.getByTestId('trace-list').locator(`a[href="/traces/${traces.fastId}"]`).waitFor();
  assert.equal(await page.getByTestId('trace-list').locator('li').count(), 1);
  const keys = (await (await fetch(`${ui.url}/api/ui/attributes?service=orders`)).json()) as { keys: string[] };
  assert.ok(keys.keys.includes('app.order.id') && keys.keys.includes('host.name'), 'span and resource keys are suggested');
});

test('open a trace: header, waterfall, collapse and expand, critical path', async () => {
  await page.goto(`${ui.url}/traces?service=gateway&errors=1`);
  await page.getByTestId('trace-list').locator(`a[href="/traces/${traces.slowId}"]`).click();
  await page.waitForURL(new RegExp(`/traces/${traces.slowId}`));
  await readyRows().first().waitFor();
  assert.equal(await page.getByTestId('span-count').textContent(), '14');
  assert.equal(await page.locator('.wf-row').count(), 14);
  assert.ok((await page.locator('.wf-critical').count()) > 0, 'the critical path is drawn');
  await page.getByTestId('critical-toggle').uncheck();
  assert.equal(await page.locator('.wf-critical').count(), 0);

  await rowOf('POST /orders').nth(1).getByRole('button', { name: 'Collapse' }).click();
  assert.equal(await page.locator('.wf-row').count(), 3);
  await rowOf('POST /orders').nth(1).getByRole('button', { name: 'Expand' }).click();
  assert.equal(await page.locator('.wf-row').count(), 14);

  // Keyboard: select the root, step down, collapse with ←.
  await page.locator('.wf-row').first().click();
  await page.getByTestId('waterfall').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator('.wf-row').count(), 2);
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('.wf-row').count(), 14);
});

test('span details: attributes, status, events; search inside the trace', async () => {
  await rowOf('POST /charge').filter({ has: page.locator('.wf-service', { hasText: 'payments' }) }).first().click();
  const panel = page.getByTestId('span-detail');
  await panel.getByText('card network timed out').first().waitFor();
  assert.ok(await panel.getByText('http.route').isVisible());
  assert.ok(await panel.getByText('exception', { exact: true }).isVisible(), 'the exception event is listed');
  assert.match(page.url(), /span=[0-9a-f]{16}/);

  await page.getByTestId('trace-search').fill('fraud');
  await page.getByTestId('match-count').getByText('2 matches').waitFor();
  // An attribute value only the server sees.
  await page.getByTestId('trace-search').fill('ord-9002');
  await page.getByTestId('match-count').getByText(/^[1-9]\d* match/).waitFor();
  await page.getByTestId('trace-search').fill('');
});

test('a linked span opens its trace; orphans and clock skew are flagged', async () => {
  await page.goto(`${ui.url}/traces/${traces.consumerId}`);
  await readyRows().first().waitFor();
  assert.match((await page.getByTestId('trace-warnings').textContent()) ?? '', /1 orphan span.*1 span outside its parent/);
  assert.ok(await page.locator('.wf-row.is-placeholder').isVisible(), 'the missing parent has a placeholder row');
  await rowOf('order.created process').click();
  await page.getByTestId('span-link').click();
  await page.waitForURL(new RegExp(`/traces/${traces.slowId}\\?span=${traces.producerSpanId}`));
  await page.locator(`.wf-row.is-selected[data-span="${traces.producerSpanId}"]`).waitFor();
  await page.getByTestId('span-detail').getByText('order.created publish').waitFor();
});

test('compare two traces of the same operation from the search results', async () => {
  await page.goto(`${ui.url}/traces?service=gateway`);
  await page.getByLabel(`Pick ${traces.fastId} for comparison`).check();
  await page.getByLabel(`Pick ${traces.slowId} for comparison`).check();
  await page.getByTestId('compare-picked').click();
  await page.waitForURL(/\/traces\/compare\?a=/);
  const diff = page.getByTestId('trace-diff');
  await diff.waitFor();
  const slower = await diff.locator('tr[data-change="slower"]').count();
  assert.ok(slower >= 3, `slower rows: ${slower}`);
  assert.ok(await diff.locator('tr[data-change="slower"]', { hasText: 'fraud.score' }).isVisible());
});

test('flame graph and statistics views; OTLP JSON download opens as a file', async () => {
  await page.goto(`${ui.url}/traces/${traces.slowId}?view=flame`);
  await page.getByTestId('flame-graph').locator('canvas').waitFor();
  await page.getByRole('tab', { name: 'Statistics' }).click();
  await page.getByTestId('trace-stats').getByText('fraud.score').waitFor();

  const download = await fetch(`${ui.url}/api/ui/traces/${traces.slowId}/export?format=otlp`);
  assert.match(download.headers.get('content-disposition') ?? '', /attachment/);
  const file = Buffer.from(await download.arrayBuffer());
  await page.goto(`${ui.url}/traces/upload`);
  await page.getByTestId('trace-file').setInputFiles({ name: 'trace.otlp.json', mimeType: 'application/json', buffer: file });
  await readyRows().first().waitFor();
  assert.equal(await page.getByTestId('span-count').textContent(), '14');
  await rowOf('fraud.score').first().click();
  await page.getByTestId('span-detail').getByText('app.fraud.model').waitFor();
});

test('the first screen comes with the page: a small trace whole, a large one as a preview the island replaces', async () => {
  const small = await (await fetch(`${ui.url}/traces/${traces.slowId}`)).text();
  assert.match(small, /class="wf-row[^>]*data-span="[0-9a-f]{16}"/, "the small trace's rows are in the HTML");
  assert.doesNotMatch(small, /waterfall-preview/);
  // In the shell, not in a Suspense boundary streamed after it: React reveals those no sooner than 300 ms after the shell's first frame.
  assert.doesNotMatch(small, /<template id="B:/, 'no streamed boundary');
  assert.doesNotMatch(small, /<link rel="preload"[^>]*\/api\/ui\/traces\//, 'and nothing is left to fetch');
  // Paint first (scripts/paint-first.mjs): the head's chunk scripts are loaded by one inline loader after the first paint.
  const head = small.slice(0, small.indexOf('</head>'));
  assert.doesNotMatch(head, /<script\b[^>]*\bsrc="[^"]*"[^>]*\basync\b|<script\b[^>]*\basync\b[^>]*\bsrc=/, 'no chunk script competes with the first frame');
  assert.match(head, /<script nonce="[^"]+">\(\(\)=>\{const s=\["\/_next\/static\/chunks\//);

  // A trace too large to come whole with the page (> 1,000 spans), sent last: the searches above count the others.
  const spans = makeShapedTrace('random', 1500);
  const largeId = spans[0]!.spanContext().traceId;
  const exporter = makeExporter('proto', { http: collector.httpPort, grpc: collector.grpcPort }, false);
  await exportSpans(exporter, spans);
  await exporter.shutdown();
  assert.ok(await collector.flushed(), 'spans were written');
  const large = await (await fetch(`${ui.url}/traces/${largeId}`)).text();
  assert.match(large, /<link rel="preload"[^>]*\/api\/ui\/traces\//, "the large trace's parts are preloaded");
  assert.match(large, /data-testid="waterfall-preview"/, 'its first screen is in the HTML');
  assert.match(large, /1,500(<!-- -->)? spans/);
  assert.doesNotMatch(large, /<template id="B:/, 'no streamed boundary');

  await page.goto(`${ui.url}/traces/${largeId}`);
  await readyRows().first().waitFor();
  assert.equal(await page.getByTestId('waterfall-preview').count(), 0, 'the island took over');
  assert.equal(await page.getByTestId('span-count').textContent(), '1,500');
  await readyRows().nth(1).getByRole('button', { name: 'Collapse' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.wf-row').length < 40);
});
