// The gRPC receiver's per-call request deadline against a raw HTTP/2 client: an Export whose
// message trickles in byte by byte inside an open stream is answered DEADLINE_EXCEEDED (the
// connection stays usable), a whole message is served even when handling it takes longer than the
// deadline, and one arriving whole in time is served as usual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { RECEIVER_DEFAULTS } from '../../../lib/contracts/collector-config';
import { bindGrpc, createGrpcReceiver, TRACE_EXPORT_PATH } from './grpc-receiver';

const DEADLINE_MS = 400;

function frame(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(payload.length, 1);
  return Buffer.concat([prefix, payload]);
}

/** Opens an Export call, writes `chunks` `gapMs` apart, and resolves with the call's grpc-status. */
function exportCall(session: http2.ClientHttp2Session, chunks: Buffer[], gapMs: number): Promise<{ status: string; message: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': TRACE_EXPORT_PATH, 'content-type': 'application/grpc', te: 'trailers' });
    let headers: http2.IncomingHttpHeaders = {};
    let timer: NodeJS.Timeout | undefined;
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (trailers) => (headers = { ...headers, ...trailers }));
    stream.on('data', () => {});
    stream.on('close', () => {
      clearInterval(timer);
      resolve({ status: String(headers['grpc-status']), message: decodeURIComponent(String(headers['grpc-message'] ?? '')) });
    });
    stream.on('error', reject);
    if (gapMs === 0) {
      for (const chunk of chunks) stream.write(chunk);
      stream.end();
      return;
    }
    const queue = [...chunks];
    timer = setInterval(() => {
      const chunk = queue.shift();
      if (stream.closed) return;
      if (chunk === undefined) stream.end();
      else stream.write(chunk);
    }, gapMs);
  });
}

test('a message trickling inside an open stream gets DEADLINE_EXCEEDED; whole ones are served', async () => {
  let handled = 0;
  const server = createGrpcReceiver({
    maxBodyBytes: 1 << 20,
    limits: { ...RECEIVER_DEFAULTS, requestTimeoutMs: DEADLINE_MS },
    routes: [
      {
        path: TRACE_EXPORT_PATH,
        signal: 'traces',
        handle: async () => {
          handled++;
          await new Promise((resolve) => setTimeout(resolve, DEADLINE_MS * 2)); // slower than the deadline
          return new Uint8Array();
        },
      },
    ],
  });
  const listener = await bindGrpc(server, '127.0.0.1', 0);
  const session = http2.connect(`http://127.0.0.1:${listener.port}`);
  try {
    const whole = frame(Buffer.alloc(40));
    // A byte every 100 ms: the 45-byte call would need 4.5 s.
    const trickled = await exportCall(session, [...whole].map((byte) => Buffer.from([byte])), 100);
    assert.equal(trickled.status, '4', 'DEADLINE_EXCEEDED');
    assert.match(trickled.message, /did not arrive within 400 ms/);
    assert.equal(handled, 0);

    // The same connection still serves a call that arrives whole, however long its handling takes.
    const served = await exportCall(session, [whole], 0);
    assert.equal(served.status, '0', served.message);
    assert.equal(handled, 1);
  } finally {
    session.close();
    listener.close();
    server.forceShutdown();
  }
});
