// Where the dots and axis ticks of the search results' duration-over-time plot go, in percent of
// the plot area (so the SVG needs no measuring: it is drawn on the server and stretches with the
// page, dots staying round). Pure.
import type { ResultRow } from './result-row';

export interface ScatterDot {
  traceId: string;
  /** Percent of the plot's width (start time) and height (duration, 0 at the bottom). */
  x: number;
  y: number;
  /** Radius in px, grows with the span count. */
  r: number;
  errors: boolean;
  label: string;
}

export interface ScatterTick {
  /** Percent along the axis. */
  at: number;
  label: string;
}

export interface ScatterLayout {
  dots: ScatterDot[];
  xTicks: ScatterTick[];
  yTicks: ScatterTick[];
}

const MIN_R = 2.5;
const MAX_R = 5.5;

/** A round step near span / count: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

const CLOCK_STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000,
  43_200_000, 86_400_000,
];

function clock(ms: number, withSeconds: boolean): string {
  return new Date(ms).toISOString().slice(11, withSeconds ? 19 : 16);
}

export function scatterLayout(rows: readonly ResultRow[], formatDuration: (ns: number) => string): ScatterLayout {
  if (rows.length === 0) return { dots: [], xTicks: [], yTicks: [] };
  let minMs = Infinity;
  let maxMs = -Infinity;
  let maxDurationMs = 0;
  let minSpans = Infinity;
  let maxSpans = 0;
  for (const row of rows) {
    minMs = Math.min(minMs, row.startMs);
    maxMs = Math.max(maxMs, row.startMs);
    maxDurationMs = Math.max(maxDurationMs, row.durationNs / 1e6);
    minSpans = Math.min(minSpans, row.spanCount);
    maxSpans = Math.max(maxSpans, row.spanCount);
  }
  // A single instant still gets a width: the dots sit in the middle.
  if (maxMs - minMs < 1_000) {
    minMs -= 500;
    maxMs += 500;
  }
  const yStep = niceStep(maxDurationMs || 1, 5);
  const yMax = Math.max(yStep, Math.ceil(maxDurationMs / yStep) * yStep);
  const xSpan = maxMs - minMs;
  const xStep = CLOCK_STEPS_MS.find((step) => xSpan / step <= 6) ?? CLOCK_STEPS_MS[CLOCK_STEPS_MS.length - 1]!;
  const withSeconds = xStep < 60_000;
  const xTicks: ScatterTick[] = [];
  for (let tick = Math.ceil(minMs / xStep) * xStep; tick <= maxMs; tick += xStep) {
    xTicks.push({ at: ((tick - minMs) / xSpan) * 100, label: clock(tick, withSeconds) });
  }
  const yTicks: ScatterTick[] = [];
  for (let tick = 0; tick <= yMax + yStep / 2; tick += yStep) {
    yTicks.push({ at: (tick / yMax) * 100, label: formatDuration(tick * 1e6) });
  }
  const spanRange = maxSpans - minSpans;
  const dots = rows.map((row): ScatterDot => {
    const durationMs = row.durationNs / 1e6;
    const share = spanRange > 0 ? (row.spanCount - minSpans) / spanRange : 0;
    const errors = row.errorCount > 0;
    return {
      traceId: row.traceId,
      x: ((row.startMs - minMs) / xSpan) * 100,
      y: (durationMs / yMax) * 100,
      r: MIN_R + (MAX_R - MIN_R) * Math.sqrt(share),
      errors,
      label:
        `${row.rootService} ${row.rootName} · ${formatDuration(row.durationNs)} · ${row.spanCount} span${row.spanCount === 1 ? '' : 's'}` +
        `${errors ? ` · ${row.errorCount} error${row.errorCount === 1 ? '' : 's'}` : ''} · ${clock(row.startMs, true)} UTC`,
    };
  });
  return { dots, xTicks, yTicks };
}
