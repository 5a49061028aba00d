// The app shell: top navigation and the dark theme (app/globals.css). No web fonts: Meshlight
// runs offline, so it uses the system UI and monospace fonts.
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { ReplicaLagBanner } from '@/components/replication/replica-lag-banner';
import './globals.css';

// Every page is rendered per request: its scripts carry the nonce of that response's CSP (proxy.ts).
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Meshlight', template: '%s · Meshlight' },
  description: 'Traces from your services, over OpenTelemetry',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topnav">
          <Link href="/" className="logo">
            <span className="logo-mark" aria-hidden="true" />
            Meshlight
          </Link>
          <nav>
            <Link href="/">Services</Link>
            <Link href="/service-map">Service map</Link>
            <Link href="/traces">Traces</Link>
            <Link href="/logs">Logs</Link>
            <Link href="/metrics">Metrics</Link>
            <Link href="/targets">Targets</Link>
            <Link href="/breakers">Breakers</Link>
            <Link href="/lag">Lag</Link>
            <Link href="/incidents">Incidents</Link>
            <Link href="/settings">Settings</Link>
          </nav>
        </header>
        <main className="page">
          <Providers>
            <ReplicaLagBanner />
            {children}
          </Providers>
        </main>
      </body>
    </html>
  );
}
