// What every HTTP receiver port (OTLP/HTTP 4318, Zipkin 9411) shares around its routes:
//  - slow-client bounds (ReceiverLimits): the headers within headersTimeoutMs, the whole request
//    within requestTimeoutMs, an idle keep-alive connection closed after idleTimeoutMs, at most
//    maxConnections open (more are refused at once), so a crowd of clients sending a byte every few
//    seconds is cut instead of holding sockets forever (the slowloris attack);
//  - CORS for configured origins only (default none: a page in the operator's browser cannot post
//    to the receivers; `*` allows any);
//  - the ingest-token check (ingest-tokens.ts) and its 401's WWW-Authenticate header.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ReceiverLimits } from '../../lib/contracts/collector-config';
import { nodeServerLimits } from '../../lib/http/server-limits';
import { PermanentError, type WireStatus } from '../pipeline/errors';
import { wwwAuthenticate } from './ingest-tokens';

/** A PEM certificate (chain) and key, when the receivers speak TLS. */
export interface ReceiverTls {
  cert: Buffer;
  key: Buffer;
}

export function createReceiverServer(limits: ReceiverLimits, listener: RequestListener, tls?: ReceiverTls): Server {
  const { maxConnections, keepAliveTimeout, ...options } = nodeServerLimits(limits);
  // An https.Server is an http.Server behind TLS; a slow handshake is cut like slow headers.
  const server: Server = tls
    ? (createHttpsServer({ ...options, cert: tls.cert, key: tls.key, handshakeTimeout: limits.headersTimeoutMs }, listener) as unknown as Server)
    : createServer(options, listener);
  server.keepAliveTimeout = keepAliveTimeout;
  server.maxConnections = maxConnections;
  return server;
}

/** CORS headers for an allowed Origin (none for others: the browser then refuses the response). */
export function applyCors(request: IncomingMessage, response: ServerResponse, allowed: '*' | readonly string[]): void {
  const origin = request.headers.origin;
  if (!origin) return;
  if (allowed !== '*' && !allowed.includes(origin)) return;
  response.setHeader('access-control-allow-origin', allowed === '*' ? '*' : origin);
  if (allowed !== '*') response.setHeader('vary', 'Origin');
  response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
  response.setHeader('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'content-type, content-encoding');
  response.setHeader('access-control-max-age', '86400');
}

/**
 * A browser sends Origin on every cross-origin POST, including the "simple" ones CORS lets through
 * without a preflight (text/plain bodies): refuse those from origins not allowed, so a page the
 * operator happens to visit cannot write or flood data even where the body would decode.
 */
export function checkOrigin(request: IncomingMessage, allowed: '*' | readonly string[]): void {
  const origin = request.headers.origin;
  if (!origin || allowed === '*' || allowed.includes(origin)) return;
  throw new PermanentError('forbidden-origin', `requests from web pages of ${origin} are refused: add the origin to MESHLIGHT_CORS_ORIGINS to allow them`);
}

/** Headers that go with an error status: Retry-After, WWW-Authenticate, Connection: close. */
export function errorHeaders(status: WireStatus): Record<string, string> {
  const headers: Record<string, string> = {};
  if (status.retryAfterSeconds !== undefined) headers['retry-after'] = String(status.retryAfterSeconds);
  if (status.http === 401) headers['www-authenticate'] = wwwAuthenticate(status.message);
  if (status.http === 413) headers.connection = 'close';
  return headers;
}

/** Open and refused connections per receiver port, for /metrics (and tests: the peak never passes the cap). */
export class ReceiverConnections {
  private readonly ports = new Map<string, { open: number; peak: number; refused: number }>();

  /** Counts a server's connections ('connection', and 'drop' when maxConnections refused one). */
  track(port: string, server: NodeServerLike): void {
    const entry = { open: 0, peak: 0, refused: 0 };
    this.ports.set(port, entry);
    // A socket is destroyed (and no longer counted by the server's cap) a tick before its 'close'
    // event, so a new one can arrive in between: count the sockets not yet destroyed.
    const sockets = new Set<{ destroyed: boolean }>();
    server.on('connection', (socket: { destroyed: boolean; once(event: 'close', listener: () => void): unknown }) => {
      for (const other of sockets) if (other.destroyed) sockets.delete(other);
      sockets.add(socket);
      entry.open = sockets.size;
      entry.peak = Math.max(entry.peak, entry.open);
      socket.once('close', () => {
        sockets.delete(socket);
        entry.open = sockets.size;
      });
    });
    server.on('drop', () => entry.refused++);
  }

  stats(port: string): { open: number; peak: number; refused: number } | undefined {
    const entry = this.ports.get(port);
    return entry && { ...entry };
  }

  metricsText(): string {
    const lines = [
      '# HELP meshlight_receiver_connections Connections open on a receiver port.',
      '# TYPE meshlight_receiver_connections gauge',
      ...[...this.ports].map(([port, e]) => `meshlight_receiver_connections{port="${port}"} ${e.open}`),
      '# HELP meshlight_receiver_connections_peak Most connections open at once on a receiver port since start.',
      '# TYPE meshlight_receiver_connections_peak gauge',
      ...[...this.ports].map(([port, e]) => `meshlight_receiver_connections_peak{port="${port}"} ${e.peak}`),
      '# HELP meshlight_receiver_connections_refused_total Connections refused at once because the port had MESHLIGHT_RECEIVER_MAX_CONNECTIONS open.',
      '# TYPE meshlight_receiver_connections_refused_total counter',
      ...[...this.ports].map(([port, e]) => `meshlight_receiver_connections_refused_total{port="${port}"} ${e.refused}`),
    ];
    return `${lines.join('\n')}\n`;
  }
}

interface NodeServerLike {
  on(event: 'connection', listener: (socket: { destroyed: boolean; once(event: 'close', listener: () => void): unknown }) => void): unknown;
  on(event: 'drop', listener: () => void): unknown;
}
