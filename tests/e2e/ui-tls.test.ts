// TLS on the UI port (MESHLIGHT_TLS_CERT_FILE / MESHLIGHT_TLS_KEY_FILE, scripts/ui-server.mjs --tls):
// with a certificate made by openssl for this test, the production build answers HTTPS only, the
// Host check and the login work over it (the session cookie is `Secure`), and in a real browser
// that trusts the certificate the signed-in pages open the collector's /live over wss://. A page
// of a foreign origin is refused at /live even with the session cookie. Real collector (TLS on its
// receivers with the same certificate), real PostgreSQL, real Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import WebSocket from 'ws';
import { ROOT } from '../../scripts/prepare';
import { readCollectorConfig } from '../../lib/contracts/collector-config';
import { SESSION_COOKIE, hashPassword } from '../../lib/http/ui-auth';
import { exportSpans, makeSampleTrace } from '../support/official-exporters';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { makeSelfSignedCert } from '../support/self-signed-cert';
import { startTestCollector } from '../support/test-collector';
import { startUiServer, type UiServer } from '../support/ui-server';
import { rawRequest, type RawRequestOptions } from '../support/raw-request';

const SHOTS = path.join(ROOT, 'test-results', 'e2e');
const PASSWORD = 'correct horse battery staple';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let ui: UiServer;
let uiPort: number;
let browser: Browser;
let ca: Buffer;
let tlsEnv: Record<string, string>;

before(async () => {
  const cert = makeSelfSignedCert('meshlight-ui-tls-');
  const { certFile, keyFile } = cert;
  ca = cert.ca;
  const env = {
    MESHLIGHT_TLS_CERT_FILE: certFile,
    MESHLIGHT_TLS_KEY_FILE: keyFile,
    MESHLIGHT_UI_USER: 'admin',
    MESHLIGHT_UI_PASSWORD_HASH: await hashPassword(PASSWORD),
  };
  database = await createScratchDatabase('meshlight_e2e_ui_tls');
  // The collector reads the same environment as the UI (as under `npm start`).
  const fromEnv = readCollectorConfig(env);
  collector = await startTestCollector(database.url, { tls: fromEnv.tls, access: fromEnv.access });
  const exporter = new ProtoExporter({ url: `https://localhost:${collector.httpPort}/v1/traces`, httpAgentOptions: { ca } });
  await exportSpans(exporter, makeSampleTrace('checkout').spans);
  await exporter.shutdown();
  assert.ok(await collector.flushed(), 'spans were written');
  tlsEnv = { ...env, MESHLIGHT_COLLECTOR_OTLP_HTTP: `https://127.0.0.1:${collector.httpPort}` };
  ui = await startUiServer(database.url, tlsEnv);
  uiPort = Number(new URL(ui.url).port);
  // Chromium trusts exactly this certificate (its public key's SHA-256), nothing else untrusted.
  const spki = new X509Certificate(ca).publicKey.export({ type: 'spki', format: 'der' });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`,
    ],
  });
});

after(async () => {
  await browser?.close();
  await ui?.stop();
  await collector?.stop();
  await database?.drop();
});

const httpsRequest = (url: string, options: Omit<RawRequestOptions, 'ca'> = {}) => rawRequest(url, { ...options, ca });

async function signIn(): Promise<string> {
  const response = await httpsRequest(`https://localhost:${uiPort}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user: 'admin', password: PASSWORD, next: '/traces' }).toString(),
  });
  assert.equal(response.status, 303);
  const cookie = String(response.headers['set-cookie']);
  assert.match(cookie, /; Secure/, 'the session cookie is Secure over HTTPS');
  return cookie.split(';')[0]!;
}

test('the UI answers HTTPS with the configured certificate; plain HTTP and untrusted clients get nowhere', async () => {
  const health = await httpsRequest(`https://localhost:${uiPort}/api/health`);
  assert.equal(health.status, 200, health.body);
  assert.equal(health.headers['x-content-type-options'], 'nosniff');
  await assert.rejects(fetch(`https://localhost:${uiPort}/api/health`), 'the certificate is not trusted by default');
  await assert.rejects(
    new Promise((resolve, reject) => http.get(`http://127.0.0.1:${uiPort}/api/health`, resolve).on('error', reject)),
    'plain HTTP on the HTTPS port',
  );
});

test('over HTTPS: the Host check, the login (Secure cookie), the API with the session', async () => {
  const rebound = await httpsRequest(`https://localhost:${uiPort}/api/services`, { headers: { host: `evil.example:${uiPort}` } });
  assert.equal(rebound.status, 421);
  const anonymous = await httpsRequest(`https://localhost:${uiPort}/traces`);
  assert.equal(anonymous.status, 303);
  assert.match(String(anonymous.headers.location), /\/login\?next=%2Ftraces$/);
  const session = await signIn();
  const services = await httpsRequest(`https://localhost:${uiPort}/api/services`, { headers: { cookie: session } });
  assert.equal(services.status, 200, services.body);
  assert.match(services.body, /checkout/);
  const csp = String((await httpsRequest(`https://localhost:${uiPort}/traces`, { headers: { cookie: session } })).headers['content-security-policy']);
  assert.match(csp, new RegExp(`wss://localhost:${collector.httpPort}`), csp);
});

test('/live over wss: the session from the HTTPS UI is accepted from its origin, a foreign origin is refused', async () => {
  const session = await signIn();
  const open = (origin: string, cookie?: string) =>
    new Promise<{ hello?: string; status?: number }>((resolve, reject) => {
      const socket = new WebSocket(`wss://localhost:${collector.httpPort}/live`, { ca, origin, headers: cookie ? { cookie } : {} });
      socket.once('message', (data) => {
        resolve({ hello: (JSON.parse(String(data)) as { type: string }).type });
        socket.close();
      });
      socket.once('unexpected-response', (_request, response) => {
        resolve({ status: response.statusCode });
        socket.terminate();
      });
      socket.once('error', reject);
    });
  assert.deepEqual(await open(`https://localhost:${uiPort}`, session), { hello: 'hello' });
  assert.deepEqual(await open(`https://localhost:${uiPort}`), { status: 401 }, 'no session');
  assert.deepEqual(await open('https://evil.example', session), { status: 403 }, 'a foreign page, even with the cookie');
});

test('in a browser: sign in over HTTPS, the service map goes live over wss, no CSP violation', async () => {
  mkdirSync(SHOTS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to|Mixed Content/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const sockets: string[] = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));

  await page.goto(`https://localhost:${uiPort}/service-map`);
  await page.waitForURL(/\/login\?next=/);
  await page.locator('input[name="user"]').fill('admin');
  await page.locator('input[name="password"]').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/service-map$/);
  await page.locator('[data-testid="service-map-canvas"][data-live-status="live"]').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'ui-tls-service-map.png') });
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  assert.equal(cookie?.secure, true);
  assert.ok(sockets.includes(`wss://localhost:${collector.httpPort}/live`), sockets.join());
  assert.deepEqual(problems, []);
  await page.close();
});
