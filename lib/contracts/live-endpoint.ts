// Where a browser finds the collector's live WebSocket. The UI server knows the collector's
// OTLP/HTTP address from MESHLIGHT_COLLECTOR_OTLP_HTTP (set by `npm start`, usually a loopback
// address the browser cannot use as such), or an explicit MESHLIGHT_LIVE_URL (a reverse proxy, TLS,
// another host). The server page hands the browser an endpoint; the browser turns it into a URL
// against the host it loaded the page from.
import { z } from 'zod';
import { LIVE_PATH } from './live-messages';

export type LiveEndpoint =
  /** Use this URL as is. */
  | { url: string }
  /** The page's host (or `host` when the collector is elsewhere) on this port, at /live; wss when `secure` (the collector speaks TLS). */
  | { port: number; host?: string; secure?: boolean };

const wsUrl = z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::1', '[::1]', '::', '[::]']);

export function liveEndpointFromEnv(env: Record<string, string | undefined> = process.env): LiveEndpoint {
  const explicit = wsUrl.safeParse(env.MESHLIGHT_LIVE_URL || undefined);
  if (explicit.success) return { url: explicit.data };
  try {
    const otlp = new URL(env.MESHLIGHT_COLLECTOR_OTLP_HTTP ?? '');
    const port = Number(otlp.port || (otlp.protocol === 'https:' ? 443 : 80));
    const secure = otlp.protocol === 'https:' ? { secure: true } : {};
    return LOOPBACK.has(otlp.hostname) ? { port, ...secure } : { port, host: otlp.hostname, ...secure };
  } catch {
    return { port: Number(env.MESHLIGHT_OTLP_HTTP_PORT) || 4318 };
  }
}

/** The WebSocket URL for a page loaded from `location`. */
export function liveSocketUrl(endpoint: LiveEndpoint, location: { protocol: string; hostname: string }): string {
  if ('url' in endpoint) return endpoint.url;
  const scheme = endpoint.secure || location.protocol === 'https:' ? 'wss' : 'ws';
  const host = endpoint.host ?? location.hostname;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${bracketed}:${endpoint.port}${LIVE_PATH}`;
}
