// Paint first (scripts/paint-first.mjs, issue 15): the UI server rewrites the trace explorer's HTML
// head so its chunk scripts load after the first paint, then compresses. Here through a real Node server
// with the same middleware order as scripts/ui-server.mjs, answering as Next does: streamed pages
// in chunks (the head split across writes), a static page with a Content-Length, and what must
// pass untouched (other pages, RSC payloads, API bodies marked no-transform).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import compression from 'compression';
import { deferHeadScripts, paintFirst } from '../../scripts/paint-first.mjs';

const NONCE = 'bm9uY2U=';
const HEAD =
  `<!DOCTYPE html><html><head><meta charset="utf-8"/>` +
  `<link rel="preload" as="script" fetchPriority="low" nonce="${NONCE}" href="/_next/static/chunks/page.js"/>` +
  `<script src="/_next/static/chunks/a.js" async="" nonce="${NONCE}"></script>` +
  `<script src="/_next/static/chunks/b.js?v=1&amp;x=2" async="" nonce="${NONCE}"></script>` +
  `<style>body{margin:0}</style>` +
  `<script src="/_next/static/chunks/polyfills.js" noModule="" nonce="${NONCE}"></script></head>`;
const BODY = `<body><div class="wf-row">GET /checkout</div><script nonce="${NONCE}">self.__next_f=[]</script><script src="/_next/static/chunks/page.js" nonce="${NONCE}" async=""></script></body></html>`;

let server: http.Server;
let base: string;

before(async () => {
  const compress = compression();
  server = http.createServer(async (req, res) => {
    await new Promise((resolve) => compress(req as never, res as never, resolve as never));
    paintFirst(req, res);
    const url = req.url ?? '/';
    if (url.startsWith('/traces/0af7651916cd43dd8448eb211c80319c') || url === '/services') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      // The head's end split across two writes, then the body in pieces.
      res.write(HEAD.slice(0, HEAD.length - 4));
      await new Promise((r) => setTimeout(r, 5));
      res.write(Buffer.from(HEAD.slice(HEAD.length - 4)));
      res.write(BODY.slice(0, 20));
      res.end(BODY.slice(20));
    } else if (url === '/traces/4bf92f3577b34da6a3ce929d0e0e4736') {
      const body = HEAD + BODY;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
    } else if (url === '/traces/4bf92f3577b34da6') {
      res.setHeader('content-type', 'text/x-component');
      res.end(HEAD);
    } else if (url === '/api') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store, no-transform' });
      res.end(JSON.stringify({ html: HEAD }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'];
          const body = encoding === 'br' ? zlib.brotliDecompressSync(raw) : encoding === 'gzip' ? zlib.gunzipSync(raw) : raw;
          resolve({ status: res.statusCode!, headers: res.headers, body: body.toString('utf8') });
        });
      })
      .on('error', reject);
  });
}

/** What the loader would append, read from its inline script. */
function loaded(html: string): string[] {
  const match = /<script nonce="([^"]+)">\(\(\)=>\{const s=(\[[^\]]*\])/.exec(html);
  assert.ok(match, `no loader in ${html.slice(0, 400)}`);
  assert.equal(match[1], NONCE, "the loader carries the response's nonce");
  return JSON.parse(match[2]!) as string[];
}

test("the head's async chunk scripts become one loader in their place; the rest of the page is as it was", () => {
  const out = deferHeadScripts(HEAD);
  assert.deepEqual(loaded(out), ['/_next/static/chunks/a.js', '/_next/static/chunks/b.js?v=1&x=2']);
  assert.doesNotMatch(out, /<script src="[^"]*" async/);
  assert.ok(out.indexOf('<script nonce') > out.indexOf('<link rel="preload"') && out.indexOf('<script nonce') < out.indexOf('<style>'), 'where the first script was');
  assert.match(out, /<script src="\/_next\/static\/chunks\/polyfills.js" noModule=""/, 'the legacy fallback stays');
  assert.match(out, /<link rel="preload" as="script" fetchPriority="low"/);
  const plain = '<html><head><title>x</title></head>';
  assert.equal(deferHeadScripts(plain), plain, 'a head without async scripts is untouched');
});

test('a streamed page: the head rewritten across split writes, compressed, the body passed on as written', async () => {
  for (const encoding of ['gzip', 'br', 'identity']) {
    const res = await get('/traces/0af7651916cd43dd8448eb211c80319c?uiFind=x', { 'accept-encoding': encoding });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], encoding === 'identity' ? undefined : encoding);
    assert.deepEqual(loaded(res.body), ['/_next/static/chunks/a.js', '/_next/static/chunks/b.js?v=1&x=2']);
    assert.ok(res.body.endsWith(BODY), 'the body untouched, its own script included');
    assert.equal(res.body, deferHeadScripts(HEAD) + BODY);
  }
});

test("a page sent with a Content-Length: the length is dropped (the body's changed), the page whole", async () => {
  const res = await get('/traces/4bf92f3577b34da6a3ce929d0e0e4736', { 'accept-encoding': 'identity' });
  assert.equal(res.headers['content-length'], undefined);
  assert.equal(res.headers['transfer-encoding'], 'chunked');
  assert.equal(res.body, deferHeadScripts(HEAD) + BODY);
});

test('other pages, RSC payloads and API bodies pass untouched; API bodies marked no-transform stay uncompressed', async () => {
  const services = await get('/services', { 'accept-encoding': 'gzip' });
  assert.equal(services.headers['content-encoding'], 'gzip');
  assert.equal(services.body, HEAD + BODY, 'a page whose data the browser fetches keeps its scripts as they were');
  const rsc = await get('/traces/4bf92f3577b34da6', { 'accept-encoding': 'identity', rsc: '1' });
  assert.equal(rsc.body, HEAD);
  const api = await get('/api', { 'accept-encoding': 'br, gzip' });
  assert.equal(api.headers['content-encoding'], undefined);
  assert.deepEqual(JSON.parse(api.body), { html: HEAD });
});
