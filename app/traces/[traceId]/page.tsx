// `/traces/{traceId}`: the trace explorer. A small trace (≤ SERVER_RENDERED_SPANS spans, most
// request traces) is loaded here and rendered on the server, so its waterfall is painted with the
// page's HTML, before any script has run; hydration then makes it interactive. A larger one is
// loaded by the client island in compact parts (GET /api/ui/traces/{id}) so a 100,000-span trace
// opens quickly and the HTML stays small; the page reads those parts once itself, draws the top of
// the waterfall from them (trace-preview.tsx) and hands them to the island's requests
// (lib/db/trace-part-handoff.ts). The parts are preloaded from the HTML head (`<link rel="preload"
// as="fetch" crossorigin>`, hoisted by React), so the data downloads with the page's JS instead of
// after hydration; the island's fetch() of the same URLs (same mode and credentials) is answered
// from the preload cache. No inline script of ours, so a nonce-based CSP needs nothing extra.
//
// No Suspense boundary: the rows, small trace or large trace's first screen, are part of the
// page's first HTML and painted with it. Streamed inside a boundary, React reveals them no sooner
// than 300 ms after the shell's first frame (its reveal throttle), and later still while the
// island's scripts and data keep the main thread busy: that cost the 11-span trace ~300 ms and a
// 10,000-span trace more.
import type { Metadata } from 'next';
import Link from 'next/link';
import { StoredTraceExplorer } from '@/components/trace/explorer/trace-explorer';
import { Notice } from '@/components/ui/notice';
import { normalizeTraceId } from '@/lib/contracts/jaeger-query';
import { tracePartUrls } from '@/lib/contracts/trace-parts';
import { loadSmallCompactTrace } from '@/lib/db/trace-explorer-queries';
import type { CompactTracePart } from '@/lib/domain/trace-model';
import { TracePreview } from './trace-preview';
import { inlineStylesheet } from '@/lib/http/inline-css';

type PageProps = { params: Promise<{ traceId: string }> };

/**
 * Traces up to this size come with the page (their compact columns, ~100 bytes a span, ride in the
 * HTML's payload); larger ones are fetched by the island, which keeps their HTML small.
 */
const SERVER_RENDERED_SPANS = 1000;

/** The small trace, or undefined (larger, not stored, or the database unreachable: the island then loads it and shows why not). */
async function serverTrace(traceId: string): Promise<CompactTracePart | undefined> {
  try {
    return await loadSmallCompactTrace(traceId, SERVER_RENDERED_SPANS);
  } catch {
    return undefined;
  }
}

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
  const initial = await serverTrace(traceId);
  return (
    <>
      {/* The explorer's stylesheets inlined (lib/http/inline-css.ts): the rows below paint with the HTML, no stylesheet request first. */}
      <style dangerouslySetInnerHTML={{ __html: inlineStylesheet('trace').css }} />
      {initial ? null : tracePartUrls(traceId).map((url) => <link key={url} rel="preload" as="fetch" href={url} crossOrigin="anonymous" />)}
      <StoredTraceExplorer traceId={traceId} initial={initial}>
        {initial ? null : <TracePreview traceId={traceId} />}
      </StoredTraceExplorer>
    </>
  );
}
