// Ingest tokens managed at runtime: GET/POST/DELETE /api/ingest-tokens on the UI (production
// build, login on: a signed-in session is needed, read-only API tokens are refused), the value shown
// once and only its hash stored; two collector replicas on the same database (real PostgreSQL)
// start refusing token-less requests and accept the new token within a few seconds, and refuse it
// once it is revoked. The official OTLP exporter sends the token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import pg from 'pg';
import { ingestTokenHash } from '../../lib/contracts/ingest-tokens-api';
import { hashPassword } from '../../lib/http/ui-auth';
import { exportSpans, makeSampleTrace } from '../support/official-exporters';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { startUiServer, type UiServer } from '../support/ui-server';

const PASSWORD = 'tokens-admin-password';
const API_TOKEN = 'grafana-read-only-0123456789';

let database: ScratchDatabase;
let replicas: Awaited<ReturnType<typeof startTestCollector>>[] = [];
let ui: UiServer;
let session = '';

before(async () => {
  database = await createScratchDatabase('meshlight_ingest_tokens_api');
  replicas = [await startTestCollector(database.url), await startTestCollector(database.url)];
  ui = await startUiServer(database.url, {
    MESHLIGHT_UI_USER: 'admin',
    MESHLIGHT_UI_PASSWORD_HASH: await hashPassword(PASSWORD),
    MESHLIGHT_API_TOKENS: API_TOKEN,
  });
  const login = await fetch(`${ui.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user: 'admin', password: PASSWORD }).toString(),
    redirect: 'manual',
  });
  assert.equal(login.status, 303);
  session = String(login.headers.get('set-cookie')).split(';')[0]!;
});

after(async () => {
  await ui?.stop();
  for (const replica of replicas) await replica.stop();
  await database?.drop();
});

const otlpJson = '{"resourceSpans":[]}';

/** Status of an OTLP/HTTP export to `replica` with the given token (or none). */
async function ingestStatus(replica: (typeof replicas)[number], token?: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${replica.httpPort}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: otlpJson,
  });
  await response.arrayBuffer();
  return response.status;
}

/** Polls until every replica answers `status` (the collectors read the table every 2 s). */
async function eventually(token: string | undefined, status: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const statuses = await Promise.all(replicas.map((replica) => ingestStatus(replica, token)));
    if (statuses.every((s) => s === status)) return;
    if (Date.now() > deadline) assert.fail(`expected ${status} from every replica, got ${statuses.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function api(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${ui.url}${path}`, { ...init, headers: { cookie: session, ...init.headers } });
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

test('the API needs a signed-in session: none is 401, a read-only API token 403', async () => {
  assert.equal((await fetch(`${ui.url}/api/ingest-tokens`)).status, 401);
  const withToken = await fetch(`${ui.url}/api/ingest-tokens`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  assert.equal(withToken.status, 403);
  const list = await api('/api/ingest-tokens');
  assert.equal(list.status, 200);
  assert.deepEqual(await list.json(), []);
});

test('bad input is a 400 with a message; a foreign page or a non-JSON body is refused', async () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    api('/api/ingest-tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  for (const body of ['{}', '{"name":""}', `{"name":"${'x'.repeat(101)}"}`, '{"name":"a","extra":1}', 'not json', '{"name":"line\\nbreak"}']) {
    const response = await post(body);
    assert.equal(response.status, 400, body);
    assert.match(JSON.stringify(await response.json()), /name|JSON|body/, body);
  }
  assert.equal((await post('{"name":"x"}', { 'content-type': 'text/plain' })).status, 415);
  assert.equal((await post('{"name":"x"}', { origin: 'https://evil.example' })).status, 403);
  assert.equal((await api('/api/ingest-tokens/00000000-0000-0000-0000-000000000000', { method: 'DELETE' })).status, 404);
  assert.equal((await api('/api/ingest-tokens/not_an_id', { method: 'DELETE' })).status, 400);
  assert.deepEqual(await query('SELECT * FROM ingest_tokens'), [], 'nothing was created');
});

test('create → the collectors require a token and accept this one; revoke → 401', async () => {
  assert.deepEqual(await Promise.all(replicas.map((r) => ingestStatus(r))), [200, 200], 'open before any token exists');

  const created = await api('/api/ingest-tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(ui.url).origin },
    body: JSON.stringify({ name: 'checkout staging' }),
  });
  assert.equal(created.status, 201);
  const token = (await created.json()) as { id: string; name: string; token: string; createdAt: string; lastUsedAt: null; revokedAt: null };
  assert.match(token.token, /^mlt_[A-Za-z0-9_-]{43}$/);
  assert.equal(token.name, 'checkout staging');

  const stored = await query<{ token_hash: string }>('SELECT token_hash FROM ingest_tokens');
  assert.deepEqual(stored, [{ token_hash: ingestTokenHash(token.token) }], 'only the hash is stored');
  const listed = (await (await api('/api/ingest-tokens')).json()) as Record<string, unknown>[];
  assert.equal(listed.length, 1);
  assert.deepEqual(Object.keys(listed[0]!).sort(), ['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt'], 'never the value or the hash');

  await eventually(undefined, 401);
  await eventually('mlt_not-a-token-0000000000000000000', 401);
  await eventually(token.token, 200);

  // The official exporter with the token, through each replica: stored.
  for (const [index, replica] of replicas.entries()) {
    const exporter = new ProtoExporter({ url: `http://127.0.0.1:${replica.httpPort}/v1/traces`, headers: { Authorization: `Bearer ${token.token}` } });
    await exportSpans(exporter, makeSampleTrace(`token-replica-${index}`).spans);
    await exporter.shutdown();
    assert.ok(await replica.flushed());
  }
  const counted = await query<{ n: string }>(`SELECT count(*) AS n FROM spans WHERE service_name LIKE 'token-replica-%'`);
  assert.equal(Number(counted[0]!.n), 2 * makeSampleTrace('x').spans.length);

  // Last used is written back by the next poll.
  const deadline = Date.now() + 30_000;
  let lastUsed: string | null = null;
  while (!lastUsed && Date.now() < deadline) {
    lastUsed = ((await (await api('/api/ingest-tokens')).json()) as { lastUsedAt: string | null }[])[0]!.lastUsedAt;
    if (!lastUsed) await new Promise((resolve) => setTimeout(resolve, 300));
  }
  assert.ok(lastUsed, 'last used is recorded');

  const revoked = await api(`/api/ingest-tokens/${token.id}`, { method: 'DELETE' });
  assert.equal(revoked.status, 200);
  assert.ok(((await revoked.json()) as { revokedAt: string | null }).revokedAt);
  await eventually(token.token, 401);
  await eventually(undefined, 401); // revoking the last token does not open the receivers again
  const again = await api(`/api/ingest-tokens/${token.id}`, { method: 'DELETE' });
  assert.equal(again.status, 200, 'revoking twice is harmless');
});
