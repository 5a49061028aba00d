// The app shell: top navigation and the dark theme (app/globals.css, inlined). No web fonts: Meshlight
// runs offline, so it uses the system UI and monospace fonts.
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import { ReplicaLagBanner } from '@/components/replication/replica-lag-banner';
import { inlineStylesheet } from '@/lib/http/inline-css';

// Every page is rendered per request: its scripts carry the nonce of that response's CSP (proxy.ts).
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Meshlight', template: '%s · Meshlight' },
  description: 'Traces from your services, over OpenTelemetry',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        {/* app/globals.css inlined (lib/http/inline-css.ts): the first paint waits on no stylesheet request. */}
        <style dangerouslySetInnerHTML={{ __html: inlineStylesheet('shell').css }} />
      </head>
      <body>
        <header className="topnav">
          <Link href="/" className="logo" prefetch={false}>
            <span className="logo-mark" aria-hidden="true" />
            Meshlight
          </Link>
          {/* Not prefetched: every page is dynamic, and ten prefetches on each page view competed with the page's own first request on a small server. */}
          <nav>
            <Link prefetch={false} href="/">Services</Link>
            <Link prefetch={false} href="/service-map">Service map</Link>
            <Link prefetch={false} href="/traces">Traces</Link>
            <Link prefetch={false} href="/logs">Logs</Link>
            <Link prefetch={false} href="/metrics">Metrics</Link>
            <Link prefetch={false} href="/targets">Targets</Link>
            <Link prefetch={false} href="/breakers">Breakers</Link>
            <Link prefetch={false} href="/lag">Lag</Link>
            <Link prefetch={false} href="/incidents">Incidents</Link>
            <Link prefetch={false} href="/settings">Settings</Link>
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
