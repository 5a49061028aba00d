// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The UI server talks to PostgreSQL through pg; keep these out of the bundle.
  serverExternalPackages: ['pg', '@prisma/adapter-pg', '@prisma/client'],
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  devIndicators: false,
};
export default nextConfig;
