// The first screen of a large trace, rendered on the server as part of the page's first HTML: the
// page reads the trace's parts once (and leaves them for the island's requests,
// lib/db/trace-part-handoff.ts), lays it out with the island's own code (prepareTrace) and sends
// the top rows of the waterfall, painted before the island has its data or has even hydrated.
import { prepareTrace } from '@/components/trace/explorer/prepared-trace';
import { WaterfallPreview } from '@/components/trace/waterfall/waterfall-preview';
import { TRACE_PARTS } from '@/lib/contracts/trace-parts';
import { readTracePartsForPage } from '@/lib/db/trace-part-handoff';
import type { CompactTracePart } from '@/lib/domain/trace-model';

export async function TracePreview({ traceId }: { traceId: string }) {
  let parts: Array<CompactTracePart | undefined>;
  try {
    parts = await readTracePartsForPage(traceId, TRACE_PARTS);
  } catch {
    return <p className="muted loading">Loading trace {traceId}…</p>;
  }
  const found = parts.filter((part): part is CompactTracePart => part !== undefined);
  if (found.length === 0) return <p className="muted loading">Loading trace {traceId}…</p>;
  const trace = prepareTrace(found);
  return (
    <div className="explorer">
      <p className="muted loading">
        Loading trace {traceId}: {trace.summary.spanCount.toLocaleString('en-US')} spans…
      </p>
      <WaterfallPreview trace={trace} />
    </div>
  );
}
