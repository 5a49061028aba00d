// The collector's WebSocket hub (`ws`): browsers connect to `/live` on the OTLP/HTTP server (port
// 4318 by default; the upgrade is taken before the OTLP routes see the request) and receive what
// the collector pushes — the service graph's deltas, breaker and lag changes to everyone, and a
// log tail to the connections that subscribed to one. What a client may send is a small zod-checked
// message (lib/contracts/log-tail.ts), handed to the registered handlers; anything else is ignored.
// A slow client whose send buffer is backed up misses deltas (the seq gap tells it to
// refetch) rather than growing the collector's memory; dead connections are found by ping/pong.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { LIVE_PATH, LIVE_PROTOCOL_VERSION, type HelloMessage, type LiveMessage } from '../../lib/contracts/live-messages';
import { parseLiveClientMessage, type LiveClientMessage } from '../../lib/contracts/log-tail';

/** One browser connection, as handlers see it. */
export type LiveClient = WebSocket;

/** Reacts to what clients send (a subscription) and to their leaving. */
export interface LiveClientHandler {
  message(client: LiveClient, message: LiveClientMessage): void;
  closed(client: LiveClient): void;
}

export interface LiveHubOptions {
  intervalMs: number;
  /** Skip a client whose unsent bytes exceed this. */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
  now?: () => number;
  /** Refuses an upgrade (wrong Origin, no session: live-access.ts) before the WebSocket opens. */
  authorize?(request: IncomingMessage): { status: 401 | 403; message: string } | null;
}

export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly alive = new WeakSet<WebSocket>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly detach: Array<() => void> = [];
  private readonly handlers: LiveClientHandler[] = [];
  /** Messages sent and skipped, for /metrics. */
  sent = 0;
  skipped = 0;

  constructor(private readonly options: LiveHubOptions) {
    this.heartbeat = setInterval(() => this.checkAlive(), options.heartbeatMs ?? 30_000).unref();
    this.wss.on('connection', (socket) => this.welcome(socket));
  }

  get clients(): number {
    return this.wss.clients.size;
  }

  /** Serves `/live` on an HTTP server's upgrade requests; other upgrade paths are refused. */
  attach(server: HttpServer): void {
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? '/', 'http://collector').pathname;
      if (path !== LIVE_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      const refusal = this.options.authorize?.(request);
      if (refusal) {
        const reason = refusal.status === 401 ? 'Unauthorized' : 'Forbidden';
        const challenge = refusal.status === 401 ? 'WWW-Authenticate: Bearer realm="meshlight"\r\n' : '';
        const body = `${refusal.message}\n`;
        socket.end(
          `HTTP/1.1 ${refusal.status} ${reason}\r\n${challenge}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
    };
    server.on('upgrade', onUpgrade);
    this.detach.push(() => server.off('upgrade', onUpgrade));
  }

  broadcast(message: LiveMessage): void {
    if (this.wss.clients.size === 0) return;
    const text = JSON.stringify(message);
    const limit = this.options.maxBufferedBytes ?? 1 << 20;
    for (const socket of this.wss.clients) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      if (socket.bufferedAmount > limit) {
        this.skipped++;
        continue;
      }
      socket.send(text);
      this.sent++;
    }
  }

  addClientHandler(handler: LiveClientHandler): void {
    this.handlers.push(handler);
  }

  /** Sends to one client; false (and counted as skipped) when it is gone or backed up. */
  sendTo(client: LiveClient, message: LiveMessage): boolean {
    if (client.readyState !== WebSocket.OPEN || client.bufferedAmount > (this.options.maxBufferedBytes ?? 1 << 20)) {
      this.skipped++;
      return false;
    }
    client.send(JSON.stringify(message));
    this.sent++;
    return true;
  }

  /** Closes every connection and stops serving (shutdown). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const undo of this.detach) undo();
    for (const socket of this.wss.clients) socket.close(1001, 'collector shutting down');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const socket of this.wss.clients) socket.terminate();
        resolve();
      }, 500);
      timer.unref();
      this.wss.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private welcome(socket: WebSocket): void {
    this.alive.add(socket);
    socket.on('pong', () => this.alive.add(socket));
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => {
      if (isBinary || this.handlers.length === 0) return;
      const message = parseLiveClientMessage(String(data));
      if (message) for (const handler of this.handlers) handler.message(socket, message);
    });
    socket.on('close', () => {
      for (const handler of this.handlers) handler.closed(socket);
    });
    const hello: HelloMessage = {
      type: 'hello',
      version: LIVE_PROTOCOL_VERSION,
      serverTimeMs: (this.options.now ?? Date.now)(),
      intervalMs: this.options.intervalMs,
    };
    socket.send(JSON.stringify(hello));
  }

  private checkAlive(): void {
    for (const socket of this.wss.clients) {
      if (!this.alive.has(socket)) {
        socket.terminate();
        continue;
      }
      this.alive.delete(socket);
      socket.ping();
    }
  }
}
