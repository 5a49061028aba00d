// `/traces/{traceId}`: one trace as an indented span list on a time axis.
import type { Metadata } from 'next';
import Link from 'next/link';
import { SpanList } from '@/components/trace/span-list';
import { TraceHeader } from '@/components/trace/trace-header';
import { DatabaseProblem, Notice } from '@/components/ui/notice';
import { normalizeTraceId } from '@/lib/contracts/jaeger-query';
import { loadTrace } from '@/lib/db/trace-queries';
import { databaseProblem } from '@/lib/http/route-errors';
import { buildSpanTree } from '@/lib/domain/span-tree';
import { summarizeTrace, type Trace } from '@/lib/domain/trace';

export const dynamic = 'force-dynamic';

/** Rows rendered server-side; bigger traces wait for the virtualized explorer. */
const MAX_ROWS = 500;

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
          <code>{rawId}</code> is not a trace ID: expected up to 32 hexadecimal characters.{' '}
          <Link href="/traces">Search traces</Link> instead.
        </p>
      </Notice>
    );
  }
  let trace: Trace | undefined;
  try {
    trace = await loadTrace(traceId);
  } catch (error) {
    return <DatabaseProblem reason={databaseProblem(error)} />;
  }
  const summary = trace && summarizeTrace(trace);
  if (!trace || !summary) {
    return (
      <Notice title="Trace not found">
        <p>
          No span of trace <code>{traceId}</code> has been stored. If it just happened, its spans may still be on their way
          (exporters batch for a few seconds); otherwise retention may have removed it.{' '}
          <Link href="/traces">Search recent traces</Link>.
        </p>
      </Notice>
    );
  }
  const tree = buildSpanTree(trace.spans);
  const resources = [...new Map(trace.spans.map((span) => [span.resource.id, span.resource])).values()];
  return (
    <>
      <TraceHeader summary={summary} resources={resources} />
      {tree.orphanCount > 0 ? (
        <p className="notice-inline muted">
          {tree.orphanCount} span{tree.orphanCount === 1 ? ' names a parent' : 's name parents'} that did not arrive; shown
          as extra roots.
        </p>
      ) : null}
      <SpanList tree={tree} startNs={summary.startNs} durationNs={summary.durationNs} maxRows={MAX_ROWS} />
    </>
  );
}
