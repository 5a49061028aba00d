// The production UI server (`npm start`, the benchmarks and the e2e tests all launch it through
// scripts/ui-process.ts). It does what `next start` does — Next's own request handler (the same
// router server `next start` initialises) behind a Node server — and adds what `next start` cannot:
//  - slow-client bounds on the UI port (MESHLIGHT_UI_*: headers, whole request and idle timeouts, a
//    connection cap that refuses past it), as the receivers' ports have; `next start` exposes only
//    the keep-alive timeout and leaves Node's defaults (5 min per request, no cap);
//  - HTTPS when MESHLIGHT_TLS_CERT_FILE / MESHLIGHT_TLS_KEY_FILE are configured (`next start` has no
//    TLS; its self-signed option is `next dev` only);
//  - paint first (scripts/paint-first.mjs): on the trace explorer, whose waterfall comes with the
//    HTML, the head's scripts load once the first frame is on screen. The HTML is rewritten before
//    it is compressed, so compression is done here
//    (the `compression` middleware Next itself uses, gzip as Next's; next.config.js `compress:
//    false`): pages and static assets gzipped, API responses (`Cache-Control: no-transform`) not.
// Plain JavaScript, so no loader sits between Node and Next's modules.
//   node scripts/ui-server.mjs <port> <host> <limits JSON> [--tls]
// The limits are validated by lib/contracts/ui-server-env.ts and turned into the server's settings
// by lib/http/server-limits.ts (the receivers' formula) in the launching process.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import compression from 'compression';
import next from 'next';
import { paintFirst } from './paint-first.mjs';

process.env.NODE_ENV = 'production';
process.env.NEXT_PRIVATE_START_TIME ??= String(Date.now());
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const [portText = '3000', hostname = '127.0.0.1', limitsText, ...flags] = process.argv.slice(2);
const port = Number(portText);
const tls = flags.includes('--tls');
if (!limitsText) {
  console.error('meshlight: scripts/ui-server.mjs takes its limits from scripts/ui-process.ts (npm start)');
  process.exit(1);
}
/** @type {import('../lib/http/server-limits').NodeServerLimits} */
const { maxConnections, keepAliveTimeout, ...limits } = JSON.parse(limitsText);

/** @type {import('node:https').ServerOptions & import('node:http').ServerOptions} */
const options = { ...limits };
if (tls) {
  const certFile = process.env.MESHLIGHT_TLS_CERT_FILE;
  const keyFile = process.env.MESHLIGHT_TLS_KEY_FILE;
  if (!certFile || !keyFile) {
    console.error('meshlight: the HTTPS UI server needs MESHLIGHT_TLS_CERT_FILE and MESHLIGHT_TLS_KEY_FILE');
    process.exit(1);
  }
  try {
    options.cert = readFileSync(certFile);
    options.key = readFileSync(keyFile);
  } catch (error) {
    console.error(`meshlight: cannot read the UI's TLS certificate or key: ${error.message}`);
    process.exit(1);
  }
  // A client that opens a connection and never finishes the handshake is cut like slow headers.
  options.handshakeTimeout = limits.headersTimeout;
}

/** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>} */
let handle = async () => {
  throw new Error('the request handler is not ready');
};
let ready;
const handlersReady = new Promise((resolve) => (ready = resolve));

const gzip = compression();
/**
 * gzip, as Next's own compression: the middleware would prefer brotli, and with the scripts
 * brotli-compressed Chromium here made its first API request 100–250 ms later on /logs, /traces,
 * /service-map and the not-found page (interleaved A/B against gzip from the same server, 6 loads
 * each).
 * @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
function compress(req, res, next) {
  const accepted = req.headers['accept-encoding'];
  if (accepted) req.headers['accept-encoding'] = accepted.replace(/\bbr\b/gi, '');
  gzip(req, res, next);
}

/** @type {import('node:http').RequestListener} */
async function listener(req, res) {
  try {
    await handlersReady;
    await new Promise((resolve) => compress(req, res, resolve));
    paintFirst(req, res);
    await handle(req, res);
  } catch (error) {
    console.error(`Failed to handle request for ${req.url}`, error);
    if (!res.headersSent) res.statusCode = 500;
    res.end('Internal Server Error');
  }
}

const server = tls ? https.createServer(options, listener) : http.createServer(options, listener);
server.keepAliveTimeout = keepAliveTimeout;
// Past the cap a new connection is closed at once (Node emits 'drop'); the ones open keep working.
server.maxConnections = maxConnections;
let refusedNoted = 0;
server.on('drop', () => {
  // One line per burst, not per connection: a flood must not flood the log too.
  if (Date.now() - refusedNoted < 60_000) return;
  refusedNoted = Date.now();
  console.warn(`meshlight: the UI port has ${server.maxConnections} connections open (MESHLIGHT_UI_MAX_CONNECTIONS); refusing new ones`);
});
// A client that fails the handshake (plain HTTP on this port, a certificate it does not trust, the
// handshake timeout): its connection is dropped, nothing to log per attempt.
if (tls) server.on('tlsClientError', () => {});

const app = next({ dev: false, dir: root, hostname, port, httpServer: server });
server.on('error', (error) => {
  console.error(`meshlight: the UI server failed: ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, async () => {
  await app.prepare();
  handle = app.getRequestHandler();
  ready();
  const shown = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  const scheme = tls ? 'https' : 'http';
  // What `next start` sets for server actions forwarded between workers.
  process.env.__NEXT_PRIVATE_ORIGIN = `${scheme}://${shown}:${port}`;
  const seconds = ((Date.now() - Number(process.env.NEXT_PRIVATE_START_TIME)) / 1000).toFixed(1);
  console.log(` ▲ Next.js${tls ? ' (HTTPS)' : ''}\n   - Local: ${scheme}://${shown}:${port}\n ✓ Ready in ${seconds}s`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.close(async () => {
    await app.close().catch((error) => console.error(error));
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
  // Keep-alive connections that stay idle would hold close() open.
  server.closeIdleConnections();
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
