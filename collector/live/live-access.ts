// Who may open the live WebSocket (`/live` on the OTLP/HTTP port). Browsers let any page open a
// WebSocket anywhere and send the target's cookies with it (cross-site WebSocket hijacking), so:
//  - a request with an Origin must come from a page of the UI itself: the Origin's host is one the
//    UI answers (MESHLIGHT_ALLOWED_HOSTS, the same list as its Host check, any port) or the origin
//    is listed in MESHLIGHT_LIVE_ORIGINS; requests without Origin are not from a browser page;
//  - when the UI requires authentication, the request carries the same credential a GET of the
//    API would (lib/http/ui-auth.ts decideLiveAccess): the session cookie, the auth proxy's
//    header, or a read-only API token.
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { UiSecurity } from '../../lib/contracts/ui-security-env';
import { normalizeHostName } from '../../lib/contracts/ui-security-env';
import { decideLiveAccess } from '../../lib/http/ui-auth';

export type LiveRefusal = { status: 401 | 403; message: string };

export interface LiveAccessOptions {
  ui: UiSecurity;
  /** Exact origins allowed besides the UI's own host names; `*` allows any. */
  origins: readonly string[];
  now?(): number;
}

export function liveAccess(options: LiveAccessOptions): (request: IncomingMessage) => LiveRefusal | null {
  return (request) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !originAllowed(origin, options)) {
      return { status: 403, message: `live updates are not served to pages of ${origin}: add it to MESHLIGHT_LIVE_ORIGINS` };
    }
    const cookies = parseCookies(request.headers.cookie);
    const access = decideLiveAccess(
      {
        header: (name) => {
          const value = request.headers[name.toLowerCase()];
          return (Array.isArray(value) ? value[0] : value) ?? null;
        },
        cookie: (name) => cookies.get(name),
      },
      options.ui,
      (options.now ?? Date.now)(),
    );
    return access.allow ? null : { status: access.status, message: access.message };
  };
}

export function originAllowed(origin: string, options: Pick<LiveAccessOptions, 'ui' | 'origins'>): boolean {
  if (options.origins.includes('*') || options.origins.includes(origin)) return true;
  let host: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    host = normalizeHostName(url.host);
  } catch {
    return false; // `null` (sandboxed frames, file://) and garbage
  }
  const { allowedHosts, anyIpHost } = options.ui;
  if (allowedHosts === 'any' || allowedHosts.has(host)) return true;
  return anyIpHost && isIP(host.replace(/^\[|\]$/g, '')) !== 0;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}
