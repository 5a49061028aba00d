// Search results as duration over time: one dot per trace, red when it has errors, sized by span
// count; click a dot to open the trace. Outliers stand out before reading a single row.
// A server component drawing plain SVG (positions in percent, scatter-layout.ts): nothing to
// hydrate or measure, so the plot is on screen with the HTML or the navigation's payload, whatever
// the number of results (a charting library rendered it again in the browser, after measuring).
import { formatNanos } from '@/components/ui/format';
import type { ResultRow } from './result-row';
import { scatterLayout } from './scatter-layout';

export function DurationScatter({ rows }: { rows: ResultRow[] }) {
  const { dots, xTicks, yTicks } = scatterLayout(rows, formatNanos);
  // Dots with errors last, so they are drawn on top.
  const ordered = [...dots.filter((dot) => !dot.errors), ...dots.filter((dot) => dot.errors)];
  return (
    <section className="scatter" aria-label="Duration over time" data-testid="scatter">
      <h2>Duration over time · click a dot to open the trace</h2>
      <div className="scatter-plot">
        <div className="scatter-y" aria-hidden="true">
          {yTicks.map((tick) => (
            <span key={tick.at} style={{ bottom: `${tick.at}%` }}>
              {tick.label}
            </span>
          ))}
        </div>
        <div className="scatter-area">
          <svg className="scatter-svg" width="100%" height="100%" role="img" aria-label={`${dots.length} traces by start time and duration`}>
            {yTicks.map((tick) => (
              <line key={`y${tick.at}`} className="scatter-grid" x1="0" x2="100%" y1={`${100 - tick.at}%`} y2={`${100 - tick.at}%`} />
            ))}
            {xTicks.map((tick) => (
              <line key={`x${tick.at}`} className="scatter-grid" x1={`${tick.at}%`} x2={`${tick.at}%`} y1="0" y2="100%" />
            ))}
            {ordered.map((dot) => (
              <a key={dot.traceId} href={`/traces/${dot.traceId}`}>
                <circle className={dot.errors ? 'scatter-dot scatter-dot-error' : 'scatter-dot'} cx={`${dot.x}%`} cy={`${100 - dot.y}%`} r={dot.r}>
                  <title>{dot.label}</title>
                </circle>
              </a>
            ))}
          </svg>
          <div className="scatter-x" aria-hidden="true">
            {xTicks.map((tick) => (
              <span key={tick.at} style={{ left: `${tick.at}%` }}>
                {tick.label}
              </span>
            ))}
          </div>
        </div>
      </div>
      <p className="scatter-legend muted small">
        <span className="scatter-key" /> traces <span className="scatter-key scatter-key-error" /> with errors · start (UTC) →
      </p>
    </section>
  );
}
