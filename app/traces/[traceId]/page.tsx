// `/traces/{traceId}`: the trace explorer. The page only checks the id; the client island loads the
// trace in compact parts (GET /api/ui/traces/{id}) so a 100,000-span trace opens quickly. The parts
// are preloaded from the HTML head (`<link rel="preload" as="fetch" crossorigin>`, hoisted by
// React), so the data downloads with the page's JS instead of after hydration; the island's fetch()
// of the same URLs (same mode and credentials) is answered from the preload cache. No inline
// script, so a nonce-based CSP needs nothing extra.
import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { preload } from 'react-dom';
import { StoredTraceExplorer } from '@/components/trace/explorer/trace-explorer';
import { Notice } from '@/components/ui/notice';
import { normalizeTraceId } from '@/lib/contracts/jaeger-query';
import { tracePartUrls } from '@/lib/contracts/trace-parts';
import '@/components/trace/trace-explorer.css';

type PageProps = { params: Promise<{ traceId: string }> };

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { traceId } = await params;
  return { title: `Trace ${traceId.slice(0, 12)}` };
}

export default async function TracePage({ params }: PageProps) {
  const { traceId: rawId } = await params;
  const traceId = normalizeTraceId(rawId);
  if (!traceId) {
    return (
      <Notice title="Not a trace ID" tone="error">
        <p>
          <code>{rawId}</code> is not a trace ID: expected up to 32 hexadecimal characters. <Link href="/traces">Search traces</Link>{' '}
          instead.
        </p>
      </Notice>
    );
  }
  for (const url of tracePartUrls(traceId)) preload(url, { as: 'fetch', crossOrigin: 'anonymous' });
  return (
    <Suspense>
      <StoredTraceExplorer traceId={traceId} />
    </Suspense>
  );
}
