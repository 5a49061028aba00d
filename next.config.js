// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The UI server talks to PostgreSQL through pg; keep these out of the bundle.
  serverExternalPackages: ['pg', '@prisma/adapter-pg', '@prisma/client'],
  poweredByHeader: false,
  // Pages and static JS/CSS are gzipped by the UI server (scripts/ui-server.mjs), after it has
  // rewritten the trace explorer's head (scripts/paint-first.mjs), with the same middleware Next would use.
  // API responses are not: gzip of a 10k-span trace (~18 MB of JSON) costs more CPU than the query
  // itself, so every API route marks its response `Cache-Control: no-transform`, which the
  // compression honours (lib/http/route-errors.ts).
  compress: false,
  reactStrictMode: true,
  typedRoutes: false,
  devIndicators: false,
  // The build's scripts and stylesheets bypass proxy.ts (its matcher), so their hardening headers
  // (the same as lib/http/security-headers.ts HARDENING_HEADERS) are set here.
  async headers() {
    return [
      {
        source: '/_next/static/:path*',
        headers: [
          { key: 'x-content-type-options', value: 'nosniff' },
          { key: 'x-frame-options', value: 'DENY' },
          { key: 'referrer-policy', value: 'same-origin' },
        ],
      },
    ];
  },
};
export default nextConfig;
