// The UI port's slow-client bounds (MESHLIGHT_UI_*, scripts/ui-server.mjs), against the production
// build over real sockets: past the connection cap a new connection is closed at once while the
// open ones keep working, headers that trickle are cut (408), a body that trickles is cut at the
// request deadline (408), an idle keep-alive connection is closed; a browser-like GET still gets
// through afterwards. The limits are made small so the test is quick; no duration is asserted,
// only what the server sent and that every socket ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { migrateDatabase } from '../support/migrate';
import { slowClient } from '../support/slow-client';
import { startUiServer, type UiServer } from '../support/ui-server';

// Long enough that opening the crowd below on a loaded machine never races the header deadline.
const LIMITS = { headers: 15_000, request: 20_000, idle: 1_500, connections: 40 };

let database: ScratchDatabase;
let ui: UiServer;
let port: number;

before(async () => {
  database = await createScratchDatabase('meshlight_e2e_ui_slow');
  await migrateDatabase(database.url);
  ui = await startUiServer(database.url, {
    MESHLIGHT_UI_HEADERS_TIMEOUT_MS: String(LIMITS.headers),
    MESHLIGHT_UI_REQUEST_TIMEOUT_MS: String(LIMITS.request),
    MESHLIGHT_UI_IDLE_TIMEOUT_MS: String(LIMITS.idle),
    MESHLIGHT_UI_MAX_CONNECTIONS: String(LIMITS.connections),
  });
  port = Number(new URL(ui.url).port);
});

after(async () => {
  await ui?.stop();
  await database?.drop();
});

const HEALTH = 'GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n';

test(`past ${LIMITS.connections} open connections a new one is closed at once; the open ones still get answers`, async (t) => {
  const crowd = LIMITS.connections + 25;
  const sockets: net.Socket[] = [];
  let closed = 0;
  // Whatever happens, the crowd goes, so a failure here cannot fill the cap for the tests after it.
  t.after(() => {
    for (const socket of sockets) socket.destroy();
  });
  for (let i = 0; i < crowd; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('close', () => closed++);
    await new Promise((resolve) => socket.once('connect', resolve));
    sockets.push(socket);
  }
  // The server closes the ones over the cap as it accepts them (the header deadline is far off).
  for (let waited = 0; closed < crowd - LIMITS.connections && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, crowd - LIMITS.connections, 'exactly the connections over the cap were closed');
  // One of the open ones sends a whole request and is answered.
  const open = sockets.find((s) => !s.destroyed && s.readyState === 'open')!;
  const answer = new Promise<string>((resolve) => open.once('data', (chunk) => resolve(chunk.toString('latin1'))));
  open.write(HEALTH);
  assert.match(await answer, /^HTTP\/1\.1 200/);
  for (const socket of sockets) socket.destroy();
  // Once they are gone a new connection is accepted again.
  await new Promise((r) => setTimeout(r, 200));
  const again = await slowClient(port, HEALTH.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'), '', 0);
  assert.match(again.received, /^HTTP\/1\.1 200/);
});

test('headers that trickle are cut at the header deadline (408), a trickling body at the request deadline (408)', async () => {
  const crowd = await Promise.all(
    Array.from({ length: 20 }, () => slowClient(port, '', 'GET /traces HTTP/1.1\r\nHost: localhost\r\nX-Padding: ' + 'a'.repeat(500), 250)),
  );
  assert.ok(crowd.every((o) => o.received.startsWith('HTTP/1.1 408')), 'every trickling request was answered 408 and closed');
  const body = await slowClient(
    port,
    'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    ' ',
    100,
  );
  assert.match(body.received, /^HTTP\/1\.1 408/);
});

test('an idle keep-alive connection is closed after the idle timeout; the UI still serves pages', async () => {
  const idle = await slowClient(port, HEALTH, '', 0, 30_000);
  assert.match(idle.received, /^HTTP\/1\.1 200/);
  assert.match(idle.received, new RegExp(`keep-alive: timeout=${Math.floor(LIMITS.idle / 1000)}`, 'i'));
  const page = await fetch(`${ui.url}/traces`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/i);
});
