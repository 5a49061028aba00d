// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The UI server talks to PostgreSQL through pg; keep these out of the bundle.
  serverExternalPackages: ['pg', '@prisma/adapter-pg', '@prisma/client'],
  poweredByHeader: false,
  // gzip of a 10k-span trace (~18 MB of JSON) costs more CPU than the query itself; Meshlight is
  // usually read over loopback or a LAN, and a reverse proxy can compress when it is not.
  compress: false,
  reactStrictMode: true,
  typedRoutes: false,
  devIndicators: false,
};
export default nextConfig;
