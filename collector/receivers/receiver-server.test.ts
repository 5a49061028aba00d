// The connection cap of the receiver ports, with real sockets: past maxConnections a new connection
// is closed at once, unanswered, on the HTTP receivers and on the gRPC listener alike, and counted;
// once connections close, new ones are accepted again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createHttpReceiver } from './otlp/http-receiver';
import { bindGrpc, createGrpcReceiver } from './otlp/grpc-receiver';
import { ReceiverConnections } from './receiver-server';

const LIMITS = { headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, idleTimeoutMs: 60_000, maxConnections: 20 };

/** Opens `count` silent connections; resolves once each is either still open after the server settled, or closed by it. */
async function crowd(port: number, count: number): Promise<{ open: net.Socket[]; closed: number }> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
          socket.on('error', () => {});
        }),
    ),
  );
  // The refused ones are closed by the server right after accept: wait until count - cap have closed.
  const closed = () => sockets.filter((s) => s.destroyed || s.readableEnded).length;
  for (const socket of sockets) socket.on('end', () => socket.destroy());
  while (closed() < count - LIMITS.maxConnections) await new Promise((resolve) => setTimeout(resolve, 20));
  return { open: sockets.filter((s) => !s.destroyed), closed: closed() };
}

for (const kind of ['http', 'grpc'] as const) {
  test(`${kind}: past ${LIMITS.maxConnections} open connections a new one is refused at once and counted; later ones are accepted again`, async () => {
    const connections = new ReceiverConnections();
    let port: number;
    let close: () => Promise<void>;
    if (kind === 'http') {
      const server = createHttpReceiver({ maxBodyBytes: 1024, corsOrigins: [], routes: [], metricsText: () => '', health: () => ({ status: 'ok' }), limits: LIMITS });
      connections.track(kind, server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      close = async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      };
    } else {
      const server = createGrpcReceiver({ maxBodyBytes: 1024, routes: [], limits: LIMITS });
      const listener = await bindGrpc(server, '127.0.0.1', 0, LIMITS);
      connections.track(kind, listener.server);
      port = listener.port;
      close = async () => {
        listener.close();
        server.forceShutdown();
      };
    }
    try {
      const first = await crowd(port, 50);
      assert.equal(first.open.length, LIMITS.maxConnections);
      assert.equal(connections.stats(kind)?.refused, 30);
      assert.equal(connections.stats(kind)?.peak, LIMITS.maxConnections);
      for (const socket of first.open) socket.destroy();
      while ((connections.stats(kind)?.open ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await crowd(port, 5);
      assert.equal(second.open.length, 5);
      for (const socket of second.open) socket.destroy();
    } finally {
      await close();
    }
  });
}
