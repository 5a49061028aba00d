// /metrics and /targets in a real browser (Debian's chromium via playwright-core) against the
// production build on a scratch database seeded through the collector's MetricStore: metric
// autocomplete with TYPE/HELP, the chart and its legend toggles, label filters, a parse error shown
// under the editor, the URL holding the query; the targets table, the cardinality notice, and
// adding and removing a target.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { MetricStore } from '../../collector/store/metric-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import type { SeriesSamples } from '../../lib/domain/metrics/types';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startUiServer, type UiServer } from '../support/ui-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let database: ScratchDatabase;
let ui: UiServer;
let browser: Browser;
let page: Page;

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_metrics');
  await migrateDatabase(database.url);
  const db = createPgExecutor(database.url, 2);
  try {
    const now = Date.now();
    const store = new MetricStore(db, { maxSeriesPerMetric: 2, flushIntervalMs: 60_000 });
    const series: SeriesSamples[] = ['orders', 'emails', 'refunds'].map((queue, q) => ({
      labels: { __name__: 'shop_queue_depth', job: 'shop', instance: 'shop:9100', queue },
      samples: Array.from({ length: 40 }, (_, i) => ({ t: now - (40 - i) * 15_000, v: 10 * (q + 1) + (i % 5) })),
    }));
    // maxSeriesPerMetric 2: the third queue's series is refused and shows on /targets.
    store.append({ series, metadata: [{ metric: 'shop_queue_depth', type: 'gauge', help: 'Messages waiting per queue.', unit: '' }], sampleCount: 120, rejectedSamples: 0, rejectionMessage: '' });
    await store.flush();
    await db.query(
      `INSERT INTO scrape_targets (source, job, target, health, last_scrape, last_duration_ms, samples, last_error)
       VALUES ('config', 'shop', 'shop:9100', 'up', now(), 4.2, 120, NULL), ('config', 'payments', 'payments:9100', 'down', now(), 1.1, 0, 'connect ECONNREFUSED')`,
    );
  } finally {
    await db.close();
  }
  ui = await startUiServer(database.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await database?.drop();
});

test('pick a metric, toggle a series, filter by label, see a parse error in place', async () => {
  await page.goto(`${ui.url}/metrics`);
  await page.getByLabel('Metric').fill('queue_dep');
  const suggestion = page.locator('.metric-suggestions li').first();
  await suggestion.locator('.metric-type').waitFor(); // metadata arrives after the names
  assert.match(await suggestion.innerText(), /shop_queue_depth\s*gauge\s*Messages waiting per queue\./);
  await suggestion.click();

  const legend = page.locator('.legend-item');
  await legend.nth(1).waitFor();
  assert.equal(await legend.count(), 2);
  // The URL is updated by the router after the render: wait for it (bounded) rather than racing it.
  await page.waitForURL(/q=shop_queue_depth/, { timeout: 10_000 });
  assert.match(page.url(), /q=shop_queue_depth/);
  await legend.first().click();
  assert.match((await legend.first().getAttribute('class')) ?? '', /off/);
  assert.equal(await page.locator('.recharts-line').count(), 1, 'the hidden series is not drawn');

  await page.getByRole('button', { name: '+ Label filter' }).click();
  await page.getByLabel('Label', { exact: true }).selectOption('queue');
  await page.getByLabel('Value of queue').fill('emails');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.legend-item').length === 1);
  assert.equal(await page.locator('#promql').inputValue(), 'shop_queue_depth{queue="emails"}');
  assert.match(await page.locator('.legend-label').innerText(), /queue="emails"/);

  await page.locator('#promql').fill('shop_queue_depth{queue=');
  await page.locator('#promql').press('Enter');
  const error = page.locator('#promql-error');
  await error.waitFor();
  assert.match(await error.innerText(), /parse error/);
  assert.equal(await page.locator('#promql').getAttribute('aria-invalid'), 'true');

  // The URL holds the query: reloading shows the same view.
  await page.goto(`${ui.url}/metrics?q=${encodeURIComponent('shop_queue_depth{queue="orders"}')}&range=15m`);
  await page.locator('.legend-item').first().waitFor();
  assert.equal(await page.locator('.legend-item').count(), 1);
});

test('targets show health, errors and refused series; a target can be added and removed', async () => {
  await page.goto(`${ui.url}/targets`);
  const text = await page.locator('.targets-page').innerText();
  assert.match(text, /Series refused by the cardinality limit/);
  assert.match(text, /shop_queue_depth\s+1/);
  assert.match(text, /payments \(0\/1 up\)/);
  assert.match(text, /connect ECONNREFUSED/);

  await page.getByPlaceholder('node').fill('node');
  await page.getByPlaceholder('host:port').fill('localhost:9100');
  await page.getByRole('button', { name: 'Add target' }).click();
  const remove = page.getByRole('button', { name: 'Remove localhost:9100' });
  await remove.waitFor();
  assert.match(await page.locator('.targets-page').innerText(), /node \(0\/1 up\)/);
  await remove.click();
  await remove.waitFor({ state: 'detached' });
});
