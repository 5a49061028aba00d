// The app shell: top navigation and the dark theme (app/globals.css). No web fonts: Meshlight
// runs offline, so it uses the system UI and monospace fonts.
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import './globals.css';

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
            <Link href="/breakers">Breakers</Link>
            <Link href="/lag">Lag</Link>
            <Link href="/incidents">Incidents</Link>
          </nav>
        </header>
        <main className="page">
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
