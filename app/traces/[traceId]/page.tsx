// `/traces/{traceId}`: the trace explorer. The page only checks the id; the client island loads the
// trace in compact parts (GET /api/ui/traces/{id}) so a 100,000-span trace opens quickly.
import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { StoredTraceExplorer } from '@/components/trace/explorer/trace-explorer';
import { Notice } from '@/components/ui/notice';
import { normalizeTraceId } from '@/lib/contracts/jaeger-query';
import '@/components/logs/logs.css';
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
  return (
    <Suspense>
      <StoredTraceExplorer traceId={traceId} />
    </Suspense>
  );
}
