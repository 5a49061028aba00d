// The hardening headers of every UI and API response (issue 14): a Content-Security-Policy with a
// per-request nonce for pages (Next.js reads the nonce from the request's CSP header and puts it on
// its own scripts: node_modules/next/dist/docs/01-app/02-guides/content-security-policy.md), a
// no-content policy for the JSON API, no framing, no MIME sniffing, no referrer beyond the origin.
// Pure, apart from the random nonce.
import { liveSocketUrl, type LiveEndpoint } from '../contracts/live-endpoint';

export const HARDENING_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

/** API responses are data: nothing in them may load, run or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** 128 random bits, base64: unguessable and new for every request. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

export interface PageCspOptions {
  nonce: string;
  /** Extra connect-src sources: the collector's live WebSocket. */
  connectSources: readonly string[];
  /** `next dev`: React's debugging needs eval, and HMR its own WebSocket ('self'). */
  dev: boolean;
  /** Served over TLS: ask the browser to upgrade any http:// subresource. */
  https: boolean;
  /** Inlined stylesheets allowed by their hash (lib/http/inline-css.ts). */
  styleSources?: readonly string[];
}

/**
 * Scripts only with this response's nonce (and what they load: 'strict-dynamic'); styles from our
 * own stylesheets, with the nonce, or our inlined stylesheets by their hash. `style` attributes stay allowed (style-src-attr): React
 * renders colours and widths into them, and an attribute cannot run script.
 */
export function pageCsp(options: PageCspOptions): string {
  const nonce = `'nonce-${options.nonce}'`;
  return [
    "default-src 'self'",
    `script-src 'self' ${nonce} 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    ['style-src', "'self'", nonce, ...(options.styleSources ?? [])].join(' '),
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...options.connectSources].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * Where the page's live WebSocket goes (lib/contracts/live-endpoint.ts), as connect-src sources:
 * both ws: and wss:, since a TLS-terminating proxy in front makes the page https while the UI
 * server sees http.
 */
export function liveConnectSources(endpoint: LiveEndpoint, hostname: string): string[] {
  const sources = new Set<string>();
  for (const protocol of ['http:', 'https:']) {
    const url = new URL(liveSocketUrl(endpoint, { protocol, hostname: hostname.replace(/^\[|\]$/g, '') }));
    sources.add(`${url.protocol}//${url.host}`);
  }
  return [...sources];
}
