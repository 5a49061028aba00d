// The first screen of a large trace's waterfall, rendered on the server: the same head, rows and
// markup as waterfall.tsx (WaterfallRow holds no handlers), no script and no state. The trace page
// streams it while the client island is still loading the whole trace, and the island's
// interactive waterfall replaces it when it has.
import { visibleRows } from '@/lib/domain/span-tree';
import type { PreparedTrace } from '../explorer/prepared-trace';
import { TickLines, TimeRuler } from './time-ruler';
import { ROW_HEIGHT, WaterfallRow } from './waterfall-row';

/** Rows drawn: a tall window's worth (the interactive waterfall renders what is in view). */
const PREVIEW_ROWS = 48;

export function WaterfallPreview({ trace }: { trace: PreparedTrace }) {
  const rows = visibleRows(trace.tree, new Set());
  const window = { start: 0, end: trace.durationNs };
  const shown = [];
  for (let i = 0; i < Math.min(rows.length, PREVIEW_ROWS); i++) {
    const node = rows[i]!;
    shown.push(<WaterfallRow key={node} trace={trace} node={node} index={i} window={window} collapsed={false} selected={false} match={false} critical={undefined} />);
  }
  return (
    <div className="wf wf-preview" aria-busy="true" data-testid="waterfall-preview">
      <div className="wf-head">
        <div className="wf-head-label">
          Service · operation <span className="muted">({rows.length.toLocaleString('en-US')} rows, loading…)</span>
        </div>
        <TimeRuler window={window} />
      </div>
      <div className="wf-scroller" role="grid" aria-label="Spans" aria-rowcount={rows.length}>
        <div className="wf-canvas" style={{ height: rows.length * ROW_HEIGHT }}>
          <TickLines window={window} />
          {shown}
        </div>
      </div>
    </div>
  );
}
