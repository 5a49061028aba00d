// The /logs page's live tail in a real browser (Debian's chromium via playwright-core) against the
// production build and a real collector: with the page's filters in the URL, "Live" subscribes over
// the collector's /live WebSocket; records sent to the collector afterwards appear (only the
// matching ones), Pause holds new ones back and counts them, Resume shows them.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../../scripts/prepare';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { startUiServer, type UiServer } from '../support/ui-server';
import { postJsonLines } from '../support/json-lines';

const SHOTS = path.join(ROOT, 'test-results', 'e2e');

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: UiServer;
let browser: Browser;
let page: Page;

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_logs_live');
  collector = await startTestCollector(database.url);
  ui = await startUiServer(database.url, { MESHLIGHT_COLLECTOR_OTLP_HTTP: `http://127.0.0.1:${collector.httpPort}` });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await collector?.stop();
  await database?.drop();
});

const sendLines = (service: string, lines: object[]) => postJsonLines(`http://127.0.0.1:${collector.httpPort}`, service, lines);

const bodyRows = () => page.locator('.log-scroll .log-row');

test('Live streams new matching records; Pause holds them back, Resume shows them', async () => {
  await page.goto(`${ui.url}/logs?service=payments&severity=error`);
  await page.getByRole('button', { name: 'Live' }).click();
  const status = page.getByRole('status', { name: 'Live tail' });
  await status.getByText('Live', { exact: true }).waitFor();
  await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription reaches the collector

  await sendLines('payments', [
    { level: 50, time: Date.now(), msg: 'card declined by issuer', correlation_id: 'live-1' },
    { level: 30, time: Date.now(), msg: 'charging card (info: filtered out)' },
  ]);
  await sendLines('gateway', [{ level: 50, time: Date.now(), msg: 'gateway error (other service: filtered out)' }]);
  await bodyRows().filter({ hasText: 'card declined by issuer' }).waitFor();
  await new Promise((resolve) => setTimeout(resolve, 600)); // any wrong record would be on screen by now
  assert.equal(await bodyRows().count(), 1, (await bodyRows().allTextContents()).join('\n'));

  await page.getByRole('button', { name: 'Pause' }).click();
  await sendLines('payments', [{ level: 50, time: Date.now(), msg: 'second decline while paused' }]);
  await status.getByText('1 new').waitFor();
  assert.equal(await bodyRows().count(), 1, 'the screen stands still while paused');
  if (process.env.MESHLIGHT_E2E_SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'logs-live.png') });
  }
  await page.getByRole('button', { name: 'Resume' }).click();
  await bodyRows().filter({ hasText: 'second decline while paused' }).waitFor();
  assert.match((await bodyRows().first().textContent()) ?? '', /second decline/, 'newest first');

  await bodyRows().filter({ hasText: 'card declined by issuer' }).click();
  await page.getByRole('link', { name: 'Open correlation' }).waitFor();
});
