// The waterfall's time axis: round ticks for the shown window, as offsets from the trace start.
import { formatNanos } from '@/components/ui/format';
import { rulerTicks, toPercent, type TimeWindow } from './time-window';

export function TimeRuler({ window }: { window: TimeWindow }) {
  const ticks = rulerTicks(window);
  return (
    <div className="wf-ruler" aria-hidden="true">
      {ticks.map((tick) => (
        <span key={tick} className="wf-tick" style={{ left: `${toPercent(window, tick)}%` }}>
          {formatNanos(tick)}
        </span>
      ))}
    </div>
  );
}

/** Faint vertical lines under the bars at the ruler's ticks. */
export function TickLines({ window }: { window: TimeWindow }) {
  return (
    <div className="wf-ticklines" aria-hidden="true">
      {rulerTicks(window).map((tick) => (
        <span key={tick} style={{ left: `${toPercent(window, tick)}%` }} />
      ))}
    </div>
  );
}
