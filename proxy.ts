// Next.js Proxy (Next 16's middleware, Node.js runtime): runs before every page and API route of
// the UI server (not before the build's static scripts and stylesheets: they are public, get their
// hardening headers from next.config.js, and a page's first paint waits on them) and applies, in order,
//  1. the Host check (DNS rebinding): 421 for a name not in MESHLIGHT_ALLOWED_HOSTS;
//  2. authentication when configured (lib/http/ui-auth.ts): pages redirect to /login, the API
//     answers 401 (or 403 for a read-only token used to write);
//  3. hardening headers on the response, and for pages a Content-Security-Policy with a fresh
//     nonce, also passed on the request so Next.js stamps it on its scripts.
import { NextResponse, type NextRequest } from 'next/server';
import { liveEndpointFromEnv, type LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { normalizeHostName, parseUiSecurity, type UiSecurity } from '@/lib/contracts/ui-security-env';
import { hostAllowed, misdirectedMessage } from '@/lib/http/host-check';
import { inlineStyleSources } from '@/lib/http/inline-css';
import { API_CSP, HARDENING_HEADERS, liveConnectSources, newNonce, pageCsp } from '@/lib/http/security-headers';
import { decideAccess } from '@/lib/http/ui-auth';
import { jaegerErrorEnvelope } from '@/lib/jaeger/response';

let settings: { security: UiSecurity; live: LiveEndpoint } | undefined;

function settingsFromEnv() {
  settings ??= { security: parseUiSecurity(process.env), live: liveEndpointFromEnv(process.env) };
  return settings;
}

function harden(response: NextResponse, csp: string | null): NextResponse {
  for (const [name, value] of Object.entries(HARDENING_HEADERS)) response.headers.set(name, value);
  if (csp !== null) response.headers.set('content-security-policy', csp);
  return response;
}

function plain(status: number, message: string, extra: Record<string, string> = {}): NextResponse {
  return harden(new NextResponse(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra } }), API_CSP);
}

export function proxy(request: NextRequest): NextResponse {
  const { security, live } = settingsFromEnv();
  const host = request.headers.get('host');
  if (!hostAllowed(host, security)) return plain(421, misdirectedMessage(host));

  const { pathname, search } = request.nextUrl;
  const api = pathname === '/api' || pathname.startsWith('/api/');
  const access = decideAccess(
    {
      method: request.method,
      pathname,
      pathAndQuery: pathname + search,
      header: (name) => request.headers.get(name),
      cookie: (name) => request.cookies.get(name)?.value,
    },
    security,
    Date.now(),
  );
  if (!access.allow) {
    if (access.redirect) return harden(NextResponse.redirect(new URL(access.redirect, request.url), 303), API_CSP);
    if (!api) return plain(access.status, `${access.message}\n`);
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (access.status === 401) headers['www-authenticate'] = 'Bearer realm="meshlight"';
    return harden(NextResponse.json(jaegerErrorEnvelope(access.status, access.message), { status: access.status, headers }), API_CSP);
  }

  if (api) return harden(NextResponse.next(), API_CSP);
  const https = request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const nonce = newNonce();
  const csp = pageCsp({
    nonce,
    connectSources: liveConnectSources(live, normalizeHostName(host ?? 'localhost')),
    dev: process.env.NODE_ENV === 'development',
    https,
    styleSources: inlineStyleSources(),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('content-security-policy', csp);
  return harden(NextResponse.next({ request: { headers: requestHeaders } }), csp);
}

// Everything but the build's static assets (/_next/static/): running the proxy for each of a page's
// dozen script and stylesheet requests delayed them all behind it on a busy server.
export const config = { matcher: ['/((?!_next/static/).*)'] };
