// The UI server over HTTPS (MESHLIGHT_TLS_CERT_FILE / MESHLIGHT_TLS_KEY_FILE, see scripts/ui-process.ts):
// `next start` cannot serve TLS (its self-signed option is `next dev` only), so this does what
// next start does — Next's own request handler (the same router server `next start` initialises)
// behind a Node server — with an `https.Server` instead of an `http.Server`. Plain JavaScript, so
// no loader sits between Node and Next's modules.
//   node scripts/ui-tls-server.mjs <port> <host>
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import next from 'next';

process.env.NODE_ENV = 'production';
process.env.NEXT_PRIVATE_START_TIME ??= String(Date.now());
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const [portText = '3000', hostname = '127.0.0.1'] = process.argv.slice(2);
const port = Number(portText);
const certFile = process.env.MESHLIGHT_TLS_CERT_FILE;
const keyFile = process.env.MESHLIGHT_TLS_KEY_FILE;
if (!certFile || !keyFile) {
  console.error('meshlight: the HTTPS UI server needs MESHLIGHT_TLS_CERT_FILE and MESHLIGHT_TLS_KEY_FILE');
  process.exit(1);
}

let options;
try {
  options = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
} catch (error) {
  console.error(`meshlight: cannot read the UI's TLS certificate or key: ${error.message}`);
  process.exit(1);
}

/** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>} */
let handle = async () => {
  throw new Error('the request handler is not ready');
};
let ready;
const handlersReady = new Promise((resolve) => (ready = resolve));

const server = https.createServer(
  {
    ...options,
    // A client that opens a connection and never finishes the handshake holds it this long at most.
    handshakeTimeout: 10_000,
  },
  async (req, res) => {
    try {
      await handlersReady;
      await handle(req, res);
    } catch (error) {
      console.error(`Failed to handle request for ${req.url}`, error);
      if (!res.headersSent) res.statusCode = 500;
      res.end('Internal Server Error');
    }
  },
);
// A client that fails the handshake (plain HTTP on this port, a certificate it does not trust, the
// handshake timeout): its connection is dropped, nothing to log per attempt.
server.on('tlsClientError', () => {});

const app = next({ dev: false, dir: root, hostname, port, httpServer: server });
server.on('error', (error) => {
  console.error(`meshlight: the HTTPS UI server failed: ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, async () => {
  await app.prepare();
  handle = app.getRequestHandler();
  ready();
  const shown = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  // What `next start` sets for server actions forwarded between workers.
  process.env.__NEXT_PRIVATE_ORIGIN = `https://${shown}:${port}`;
  const seconds = ((Date.now() - Number(process.env.NEXT_PRIVATE_START_TIME)) / 1000).toFixed(1);
  console.log(` ▲ Next.js (HTTPS)\n   - Local: https://${shown}:${port}\n ✓ Ready in ${seconds}s`);
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
