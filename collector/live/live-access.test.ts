// /live refuses pages of other sites (cross-site WebSocket hijacking) and, when the UI has a login,
// anyone without the UI's session, auth-proxy header or API token: real HTTP server, real `ws` client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { parseUiSecurity } from '../../lib/contracts/ui-security-env';
import { hashPassword, SESSION_COOKIE, sessionKey, signSession } from '../../lib/http/ui-auth';
import { liveAccess, originAllowed } from './live-access';
import { LiveHub } from './live-hub';

const API_TOKEN = 'grafana-token-0123456789';

function open(url: string, headers: Record<string, string>): Promise<{ status: number; hello?: { type: string } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.resume();
      socket.terminate();
    });
    socket.once('message', (data) => {
      resolve({ status: 101, hello: JSON.parse(String(data)) });
      socket.close();
    });
    socket.once('error', reject);
  });
}

async function serve(hub: LiveHub): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => response.writeHead(404).end());
  hub.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/live` };
}

const servers: Array<{ server: Server; hub: LiveHub }> = [];
let openUrl = '';
let loginUrl = '';
let cookie = '';

before(async () => {
  const openHub = new LiveHub({ intervalMs: 1000, authorize: liveAccess({ ui: parseUiSecurity({}), origins: ['https://meshlight.example.com'] }) });
  const opened = await serve(openHub);
  openUrl = opened.url;
  servers.push({ server: opened.server, hub: openHub });

  const env = { MESHLIGHT_UI_USER: 'ops', MESHLIGHT_UI_PASSWORD_HASH: await hashPassword('secret'), MESHLIGHT_API_TOKENS: API_TOKEN };
  const ui = parseUiSecurity(env);
  const loginHub = new LiveHub({ intervalMs: 1000, authorize: liveAccess({ ui, origins: [] }) });
  const login = await serve(loginHub);
  loginUrl = login.url;
  servers.push({ server: login.server, hub: loginHub });
  cookie = `${SESSION_COOKIE}=${signSession('ops', Date.now() + 60_000, sessionKey(ui.login!))}`;
});

after(async () => {
  for (const { server, hub } of servers) {
    await hub.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a page of the UI (its own host names, any port), a listed origin and a non-browser client may open /live', async () => {
  assert.equal((await open(openUrl, { origin: 'http://localhost:3000' })).hello?.type, 'hello');
  assert.equal((await open(openUrl, { origin: 'http://127.0.0.1:3999' })).status, 101);
  assert.equal((await open(openUrl, { origin: 'https://meshlight.example.com' })).status, 101);
  assert.equal((await open(openUrl, {})).status, 101);
});

test('a page of another site (or a rebound DNS name, or an opaque origin) is refused with 403', async () => {
  assert.equal((await open(openUrl, { origin: 'https://evil.example' })).status, 403);
  assert.equal((await open(openUrl, { origin: 'http://rebind.evil.example:3000' })).status, 403);
  assert.equal((await open(openUrl, { origin: 'null' })).status, 403);
});

test('with a UI login: no credential 401; the UI session cookie, or a read-only API token, opens it; a foreign page is refused even with the cookie', async () => {
  assert.equal((await open(loginUrl, { origin: 'http://localhost:3000' })).status, 401);
  assert.equal((await open(loginUrl, { origin: 'http://localhost:3000', cookie: `${SESSION_COOKIE}=forged.value` })).status, 401);
  assert.equal((await open(loginUrl, { origin: 'http://localhost:3000', cookie })).status, 101);
  assert.equal((await open(loginUrl, { authorization: `Bearer ${API_TOKEN}` })).status, 101);
  assert.equal((await open(loginUrl, { origin: 'https://evil.example', cookie })).status, 403);
});

test('origin rules: host names of MESHLIGHT_ALLOWED_HOSTS, IP addresses when bound to every interface', () => {
  const named = parseUiSecurity({ MESHLIGHT_ALLOWED_HOSTS: 'meshlight.internal' });
  assert.equal(originAllowed('https://meshlight.internal', { ui: named, origins: [] }), true);
  assert.equal(originAllowed('http://localhost:3000', { ui: named, origins: [] }), false);
  const everywhere = parseUiSecurity({ MESHLIGHT_BIND_HOST: '0.0.0.0' });
  assert.equal(originAllowed('http://10.1.2.3:3000', { ui: everywhere, origins: [] }), true);
  assert.equal(originAllowed('http://[::1]:3000', { ui: everywhere, origins: [] }), true);
  assert.equal(originAllowed('http://evil.example', { ui: everywhere, origins: [] }), false);
  assert.equal(originAllowed('chrome-extension://abc', { ui: everywhere, origins: [] }), false);
  assert.equal(originAllowed('http://anything.example', { ui: parseUiSecurity({ MESHLIGHT_ALLOWED_HOSTS: '*' }), origins: [] }), true);
});
