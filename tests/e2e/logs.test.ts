// Logs in a real browser (Debian's chromium via playwright-core) against the production build, on
// a scratch database whose logs were written by LogStore from real payloads (pino output, a Loki
// push, the official OTel logs exporter) and whose trace recorded the gateway's x-correlation-id:
// /logs (table, histogram, free text in the URL) → a log line → its trace → the trace's Logs tab
// (including the service that logged only the correlation id) → the correlation view → back.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeJsonLines } from '../../collector/receivers/jsonl/decode-jsonl';
import { decodeLokiPushJson } from '../../collector/receivers/loki/decode-loki-json';
import { createLogPartitions } from '../../collector/store/log-partitions';
import { encodeLogRows } from '../../collector/store/log-rows';
import { LogStore } from '../../collector/store/log-store';
import { createPgExecutor } from '../../collector/store/pg-executor';
import { correlationLinksOfSpans } from '../../lib/domain/logs/correlation';
import { ROOT } from '../../scripts/prepare';
import { insertSpans } from '../support/insert-spans';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { makeSyntheticTrace } from '../support/synthetic-trace';
import { startUiServer, type UiServer } from '../support/ui-server';

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const TRACE_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const CORRELATION = 'corr-e2e-1';

let database: ScratchDatabase;
let ui: UiServer;
let browser: Browser;
let page: Page;

async function seed(url: string): Promise<void> {
  const nowMs = Date.now();
  const startNs = BigInt(nowMs - 120_000) * 1_000_000n;
  const db = createPgExecutor(url, 2);
  try {
    const store = new LogStore(db, createLogPartitions(db, { retentionDays: 7, futureDays: 1 }));
    const receivedNs = BigInt(nowMs) * 1_000_000n;
    const ms = (offset: number) => Number(startNs / 1_000_000n) + offset;
    // The gateway ships through Loki and knows both ids.
    const loki = JSON.stringify({
      streams: [
        {
          stream: { job: 'gateway', env: 'e2e' },
          values: [
            [String(startNs + 1_000_000n), `POST /checkout trace_id=${TRACE_ID} correlation_id=${CORRELATION} level=info msg=accepted`],
            [String(startNs + 90_000_000n), `POST /checkout 502 trace_id=${TRACE_ID} correlation_id=${CORRELATION} level=error`],
          ],
        },
      ],
    });
    await store.write(encodeLogRows(decodeLokiPushJson(loki, { receivedNs })));
    // Payments logs with pino and knows only the correlation id.
    let text = '';
    let clock = ms(20);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    const logger = pino({ timestamp: () => `,"time":${clock}` }, sink);
    logger.info({ correlation_id: CORRELATION, amount: 42 }, 'charging card');
    clock = ms(60);
    logger.error({ correlation_id: CORRELATION, code: 'card_declined' }, 'card declined by issuer');
    for (let i = 0; i < 300; i++) {
      clock = ms(1000 + i * 300);
      logger[i % 17 === 0 ? 'warn' : 'info']({ request_id: `bg-${i}` }, `background job ${i} done`);
    }
    await new Promise((resolve) => setImmediate(resolve));
    await store.write(encodeLogRows(decodeJsonLines(text, { receivedNs, service: 'payments' }).batch));

    const trace = makeSyntheticTrace({ traceId: TRACE_ID, spanCount: 6, startNs, seed: 5 });
    // The frontend logs with the trace and span ids of the root span, 500 ms into it: a marker on its bar.
    const root = trace.spans[0]!;
    const frontend = JSON.stringify({ level: 50, time: Number(root.startNs / 1_000_000n) + 500, msg: 'checkout failed at the edge', trace_id: TRACE_ID, span_id: root.spanId });
    await store.write(encodeLogRows(decodeJsonLines(frontend, { receivedNs, service: 'frontend' }).batch));
    const client = new pg.Client(url);
    await client.connect();
    try {
      const day = 86_400_000_000_000n;
      await client.query(`CREATE TABLE spans_pe2e PARTITION OF spans FOR VALUES FROM (${startNs - day}) TO (${startNs + day})`);
      await insertSpans(client, trace.spans);
    } finally {
      await client.end();
    }
    await store.correlations.record(
      correlationLinksOfSpans([
        { serviceName: 'gateway', scopeSpans: [{ spans: [{ traceId: TRACE_ID, startNs, attributes: { 'http.request.header.x-correlation-id': [CORRELATION] } }] }] },
      ]),
    );
  } finally {
    await db.close();
  }
}

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_logs');
  await migrateDatabase(database.url);
  await seed(database.url);
  ui = await startUiServer(database.url);
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
  await database?.drop();
});

async function shot(name: string): Promise<void> {
  if (!process.env.MESHLIGHT_E2E_SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

const bodyRows = () => page.locator('.log-scroll .log-row');

test('/logs: the table and the histogram show the last hour; free text goes into the URL', async () => {
  await page.goto(`${ui.url}/logs`);
  await bodyRows().first().waitFor();
  await page.locator('.log-volume .recharts-bar-rectangle').first().waitFor();
  assert.ok((await bodyRows().count()) > 10, 'rows are rendered');
  assert.ok((await bodyRows().count()) < 100, 'only the visible rows are in the DOM');
  await shot('logs');
  await page.getByLabel('Search log text').fill('declined');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=declined/);
  await bodyRows().filter({ hasText: 'card declined by issuer' }).waitFor();
  assert.equal(await bodyRows().count(), 1);
});

test('a log line → its trace → the trace Logs tab has every service, even the correlation-only one → back', async () => {
  await page.goto(`${ui.url}/logs?service=gateway&severity=error`);
  const row = bodyRows().filter({ hasText: 'POST /checkout 502' });
  await row.click();
  await page.getByRole('link', { name: 'Open trace' }).click();
  await page.waitForURL(new RegExp(`/traces/${TRACE_ID}`));
  await page.getByRole('tab', { name: 'Logs' }).click();
  await bodyRows().filter({ hasText: 'card declined by issuer' }).waitFor();
  const services = await page.locator('.log-scroll .log-row .log-service').allTextContents();
  assert.deepEqual([...new Set(services)].sort(), ['frontend', 'gateway', 'payments']);
  assert.equal(await bodyRows().count(), 5);
  await shot('trace-logs-tab');
  await page.goBack();
  await page.waitForURL(/\/logs\?service=gateway/);
  await bodyRows().filter({ hasText: 'POST /checkout 502' }).waitFor();
});

test("the waterfall: a span's logs as severity-coloured markers on its bar and inline in its details", async () => {
  const rootSpan = makeSyntheticTrace({ traceId: TRACE_ID, spanCount: 6, startNs: 0n, seed: 5 }).spans[0]!.spanId;
  await page.goto(`${ui.url}/traces/${TRACE_ID}?span=${rootSpan}`);
  const marker = page.locator(`.wf-row[data-span="${rootSpan}"] .wf-log[data-severity="error"]`);
  await marker.waitFor();
  assert.match((await marker.getAttribute('title')) ?? '', /checkout failed at the edge/);
  assert.equal(await marker.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(255, 123, 123)', 'error red');
  // Logged 500 ms into the 2 s root span: a quarter along its bar.
  const left = parseFloat(await marker.evaluate((el) => (el as HTMLElement).style.left));
  assert.ok(Math.abs(left - 25) < 0.5, `at ${left}% (the time is whole milliseconds)`);
  const details = page.getByTestId('span-detail');
  await details.getByRole('heading', { name: /^Logs \(\d+\)$/ }).waitFor();
  await details.locator('.span-log', { hasText: 'checkout failed at the edge' }).waitFor();
  await shot('trace-span-logs');
});

test('/correlation/[id]: traces and logs of every service on one timeline', async () => {
  await page.goto(`${ui.url}/logs?q=charging`);
  await bodyRows().filter({ hasText: 'charging card' }).click();
  await page.getByRole('link', { name: 'Open correlation' }).click();
  await page.waitForURL(new RegExp(`/correlation/${CORRELATION}`));
  await page.locator('.correlation-lane').first().waitFor();
  const lanes = await page.locator('.correlation-lane .log-service').allTextContents();
  assert.ok(lanes.includes('payments'), lanes.join());
  assert.equal(await page.locator('.correlation-bar').count(), 1);
  assert.equal(await bodyRows().count(), 5, "the correlated trace's logs too (frontend)");
  await shot('correlation');
  await page.locator('.correlation-bar').click();
  await page.waitForURL(new RegExp(`/traces/${TRACE_ID}`));
});
