// The time window a waterfall shows (a zoom into the trace, in ns from its start) and the ruler
// ticks for it. Pure.

export interface TimeWindow {
  start: number;
  end: number;
}

/** Percent of the window's width where `ns` falls (may be outside 0…100). */
export function toPercent(window: TimeWindow, ns: number): number {
  return ((ns - window.start) / Math.max(window.end - window.start, 1)) * 100;
}

const STEPS = [1, 2, 2.5, 5];

/** Round tick positions (ns) inside the window, about `count` of them. */
export function rulerTicks(window: TimeWindow, count = 6): number[] {
  const span = Math.max(window.end - window.start, 1);
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = (STEPS.find((s) => s * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(window.start / step) * step; t <= window.end + 1e-9; t += step) ticks.push(t);
  return ticks;
}
