// The app's own 404 (an unknown page, or a page that called notFound()): in Meshlight's shell and
// theme, with the ways back, instead of Next's bare default.
import type { Metadata } from 'next';
import Link from 'next/link';
import { Notice } from '@/components/ui/notice';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <Notice title="Nothing here">
      <p>This page does not exist. A trace link may point at a trace that has aged out of retention, or the address has a typo.</p>
      <p>
        <Link href="/">Services</Link> · <Link href="/service-map">Service map</Link> · <Link href="/traces">Search traces</Link>
      </p>
      <p className="muted small">
        The HTTP API lives under <code>/api/</code>; unknown API paths answer JSON.
      </p>
    </Notice>
  );
}
