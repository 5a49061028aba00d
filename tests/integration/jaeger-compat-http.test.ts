// What Jaeger clients see around the query API, through the production build (`next start`), so
// Next's routing is part of the test: POST /api/transform (OTLP/JSON → Jaeger JSON), unknown /api
// paths and wrong methods as Jaeger-shaped JSON errors, prettyPrint, and the app's own 404 page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/prepare';
import { migrateDatabase } from '../support/migrate';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startUiServer, type UiServer } from '../support/ui-server';

let database: ScratchDatabase;
let ui: UiServer;

before(async () => {
  database = await createScratchDatabase('meshlight_jaeger_compat');
  await migrateDatabase(database.url);
  ui = await startUiServer(database.url);
});

after(async () => {
  await ui?.stop();
  await database?.drop();
});

const otlpFile = () => readFileSync(path.join(ROOT, 'tests/fixtures/otlp/checkout-trace.json'), 'utf8');

interface JaegerBody {
  data: Array<{ traceID: string; spans: Array<{ spanID: string; operationName: string; processID: string; references: unknown[] }>; processes: Record<string, { serviceName: string }> }> | null;
  total: number;
  limit: number;
  offset: number;
  errors: Array<{ code: number; msg: string }> | null;
}

test('POST /api/transform turns an OTLP/JSON file into Jaeger JSON, as jaeger-query does', async () => {
  const otlp = JSON.parse(otlpFile()) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> };
  const spanCount = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).length;
  const response = await fetch(`${ui.url}/api/transform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpFile() });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /application\/json/);
  const body = (await response.json()) as JaegerBody;
  assert.equal(body.errors, null);
  assert.ok(body.data!.some((t) => t.traceID === '4bf92f3577b34da6a3ce929d0e0e4736'));
  assert.equal(body.data!.reduce((n, t) => n + t.spans.length, 0), spanCount, 'every span of the file, in its trace');
  const trace = body.data!.find((t) => t.traceID === '4bf92f3577b34da6a3ce929d0e0e4736')!;
  assert.ok(Object.values(trace.processes).some((p) => p.serviceName === 'checkout'));
  for (const t of body.data!) for (const span of t.spans) assert.ok(t.processes[span.processID], 'every span names a process');

  const broken = await fetch(`${ui.url}/api/transform`, { method: 'POST', body: '{"resourceSpans": [' });
  assert.equal(broken.status, 400);
  const error = (await broken.json()) as JaegerBody;
  assert.equal(error.errors![0]!.code, 400);
  assert.match(error.errors![0]!.msg, /cannot unmarshal OTLP JSON/);
});

test('unknown /api paths are JSON 404s and wrong methods JSON 405s, in Jaeger`s error envelope', async () => {
  for (const [method, url] of [
    ['GET', '/api/nope'],
    ['GET', '/api/traces/abc/def/ghi'],
    ['POST', '/api/v3/traces'],
    ['DELETE', '/api/x'],
    ['GET', '/api'],
  ] as const) {
    const response = await fetch(`${ui.url}${url}`, { method });
    assert.equal(response.status, 404, `${method} ${url}`);
    assert.match(response.headers.get('content-type')!, /application\/json/);
    const body = (await response.json()) as JaegerBody;
    assert.deepEqual({ ...body, errors: null }, { data: null, total: 0, limit: 0, offset: 0, errors: null });
    assert.equal(body.errors![0]!.code, 404);
    assert.match(body.errors![0]!.msg, /404 page not found/);
  }
  const post = await fetch(`${ui.url}/api/services`, { method: 'POST', body: '{}' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET, HEAD, OPTIONS');
  assert.equal(((await post.json()) as JaegerBody).errors![0]!.code, 405);
  const get = await fetch(`${ui.url}/api/transform`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST, OPTIONS');
  const metricsPut = await fetch(`${ui.url}/api/metrics/calls?service=a`, { method: 'PUT' });
  assert.equal(metricsPut.status, 405);
});

test('prettyPrint=true indents Jaeger responses by four spaces; absent or false keeps them compact', async () => {
  const pretty = await (await fetch(`${ui.url}/api/services?prettyPrint=true`)).text();
  assert.equal(pretty, JSON.stringify({ data: [], total: 0, limit: 0, offset: 0, errors: null }, null, 4));
  const compact = await (await fetch(`${ui.url}/api/services?prettyPrint=false`)).text();
  assert.equal(compact, '{"data":[],"total":0,"limit":0,"offset":0,"errors":null}');
  const prettyError = await (await fetch(`${ui.url}/api/traces?prettyPrint=1`)).text();
  assert.match(prettyError, /^\{\n {4}"data": null,/);
  const prettyTransform = await (await fetch(`${ui.url}/api/transform?prettyPrint=true`, { method: 'POST', body: otlpFile() })).text();
  assert.match(prettyTransform, /^\{\n {4}"data": \[\n {8}\{\n {12}"traceID"/);
  const prettyMetrics = await (await fetch(`${ui.url}/api/metrics/minstep?prettyPrint=true`)).text();
  assert.match(prettyMetrics, /^\{\n {4}"data": 60000,/);
});

test('an unknown page renders the app`s own 404 inside Meshlight`s shell', async () => {
  const response = await fetch(`${ui.url}/no/such/page`);
  assert.equal(response.status, 404);
  const html = await response.text();
  assert.match(html, /class="topnav"/, 'the shell with its navigation');
  assert.match(html, /Nothing here/);
  assert.match(html, /href="\/traces"/);
});

test('pages and static assets are gzipped (also for a browser that offers brotli), API responses are not', async () => {
  const browserLike = { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } };
  const html = await fetch(`${ui.url}/no/such/page`, browserLike);
  assert.equal(html.headers.get('content-encoding'), 'gzip');
  const script = /\/_next\/static\/chunks\/[^"]+\.js/.exec(await html.text())![0];
  assert.equal((await fetch(`${ui.url}${script}`, browserLike)).headers.get('content-encoding'), 'gzip');
  const api = await fetch(`${ui.url}/api/transform`, { method: 'POST', body: otlpFile() });
  assert.equal(api.status, 200);
  assert.equal(api.headers.get('content-encoding'), null, 'a big API body stays uncompressed');
  assert.match(api.headers.get('cache-control')!, /no-transform/);
});

test('the trace page preloads its data from the HTML head, before any script runs', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const html = await (await fetch(`${ui.url}/traces/${traceId}`)).text();
  const head = html.slice(0, html.indexOf('</head>'));
  for (const part of [0, 1]) {
    const href = `href="/api/ui/traces/${traceId}\\?part=${part}&amp;parts=2"`;
    const link = new RegExp(`<link(?=[^>]*rel="preload")(?=[^>]*as="fetch")(?=[^>]*crossorigin)[^>]*${href}`);
    assert.match(head, link, `part ${part} preloaded in <head>`);
  }
});
