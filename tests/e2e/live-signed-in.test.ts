// The signed-in /live path in a real browser (issue 14): the UI's login is on and the collector
// reads the same settings; a visitor signs in through the login page, opens the logs' live tail,
// and records sent to the collector afterwards arrive over the collector's /live WebSocket with the
// session cookie. A page of a foreign origin (evil.test, mapped to 127.0.0.1 by Chromium) cannot
// open /live, and the same session cookie presented from that origin is refused with 403.
// Production build, real collector, real PostgreSQL, real Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import WebSocket from 'ws';
import { ROOT } from '../../scripts/prepare';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { SESSION_COOKIE, hashPassword } from '../../lib/http/ui-auth';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { startUiServer, type UiServer } from '../support/ui-server';
import { postJsonLines } from '../support/json-lines';

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const PASSWORD = 'live-admin-password';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: UiServer;
let foreign: http.Server;
let foreignPort: number;
let browser: Browser;

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_live_signed_in');
  const env = { MESHLIGHT_UI_USER: 'admin', MESHLIGHT_UI_PASSWORD_HASH: await hashPassword(PASSWORD) };
  collector = await startTestCollector(database.url, { access: readCollectorConfig(env).access });
  ui = await startUiServer(database.url, { ...env, MESHLIGHT_COLLECTOR_OTLP_HTTP: `http://127.0.0.1:${collector.httpPort}` });
  // Another site's page: just enough HTML to run a script in.
  foreign = http.createServer((_request, response) => response.end('<!doctype html><title>elsewhere</title><p>another site</p>'));
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  foreignPort = (foreign.address() as { port: number }).port;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--host-resolver-rules=MAP evil.test 127.0.0.1'],
  });
});

after(async () => {
  await browser?.close();
  foreign?.close();
  await ui?.stop();
  await collector?.stop();
  await database?.drop();
});

const sendLines = (service: string, lines: object[]) => postJsonLines(`http://127.0.0.1:${collector.httpPort}`, service, lines);

/** Whether a page can open the collector's /live from where it is. */
const tryLive = (url: string) =>
  new Promise<string>((resolve) => {
    const socket = new window.WebSocket(url);
    socket.onopen = () => {
      socket.close();
      resolve('open');
    };
    socket.onerror = () => resolve('refused');
  });

test('signed in through the page, live updates arrive; a foreign origin is refused', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  const liveUrl = `ws://localhost:${collector.httpPort}/live`;

  // Before signing in, even the UI's own origin cannot open /live (no session).
  await page.goto(`http://localhost:${new URL(ui.url).port}/login`);
  assert.equal(await page.evaluate(tryLive, liveUrl), 'refused');

  await page.goto(`http://localhost:${new URL(ui.url).port}/logs?service=payments&severity=error`);
  await page.waitForURL(/\/login\?next=/);
  await page.locator('input[name="user"]').fill('admin');
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/logs\?service=payments&severity=error$/);

  await page.getByRole('button', { name: 'Live' }).click();
  const status = page.getByRole('status', { name: 'Live tail' });
  await status.getByText('Live', { exact: true }).waitFor();
  assert.ok(sockets.includes(liveUrl), sockets.join());
  // The subscription reaches the collector a moment after the socket opens: send until one arrives.
  const rows = page.locator('.log-scroll .log-row').filter({ hasText: 'declined while signed in' });
  for (let attempt = 0; attempt < 20 && (await rows.count()) === 0; attempt++) {
    await sendLines('payments', [{ level: 50, time: Date.now(), msg: `card declined while signed in #${attempt}` }]);
    await rows.first().waitFor({ timeout: 1000 }).catch(() => undefined);
  }
  assert.ok((await rows.count()) > 0, 'a record sent after the page went live arrived over /live');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'live-signed-in.png') });

  // A page of another site, in the same signed-in browser.
  const evil = await context.newPage();
  await evil.goto(`http://evil.test:${foreignPort}/`);
  assert.equal(await evil.evaluate(tryLive, liveUrl), 'refused');
  // The same session cookie presented with that Origin: 403 (the refusal is the Origin, not the cookie).
  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  assert.ok(cookie);
  const upgrade = (origin: string) =>
    new Promise<number | 'open'>((resolve, reject) => {
      const socket = new WebSocket(liveUrl, { origin, headers: { cookie: `${SESSION_COOKIE}=${cookie.value}` } });
      socket.once('open', () => {
        socket.close();
        resolve('open');
      });
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('error', reject);
    });
  assert.equal(await upgrade(`http://evil.test:${foreignPort}`), 403);
  assert.equal(await upgrade(`http://localhost:${new URL(ui.url).port}`), 'open');
  await context.close();
});

test('Settings: an ingest token created in the page is shown once, accepted by the collector, and revoked', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`http://localhost:${new URL(ui.url).port}/settings`);
  await page.waitForURL(/\/login\?next=/);
  await page.locator('input[name="user"]').fill('admin');
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/settings$/);
  for (const name of ['checkout-service', 'staging collector']) {
    await page.getByPlaceholder('checkout-service, staging').fill(name);
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByTestId('created-token').filter({ hasText: /^mlt_/ }).waitFor();
    if (name === 'checkout-service') await page.getByRole('button', { name: 'Done' }).click();
  }
  const token = (await page.getByTestId('created-token').textContent())!.trim();
  await page.getByTestId('ingest-token-row').nth(1).waitFor();
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'settings-ingest-tokens.png') });

  const send = (authorization?: string) =>
    fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: '{"resourceSpans":[]}',
    }).then((response) => response.status);
  const until = async (authorization: string | undefined, status: number) => {
    const deadline = Date.now() + 30_000;
    let last = 0;
    while ((last = await send(authorization)) !== status && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(last, status);
  };
  await until(`Bearer ${token}`, 200);
  await until(undefined, 401);

  await page.getByRole('button', { name: 'Revoke staging collector' }).click();
  await page.getByTestId('ingest-token-row').filter({ hasText: 'staging collector' }).getByText(/revoked/).waitFor();
  await until(`Bearer ${token}`, 401);
  await page.reload();
  assert.equal(await page.getByTestId('created-token').count(), 0, 'the value is not shown again');
  await page.screenshot({ path: path.join(SHOTS, 'settings-ingest-tokens-revoked.png') });
  await context.close();
});
