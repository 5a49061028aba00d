// How the UI writes RED figures (rates, error ratios, latencies in ms) on the map, the service
// page and the charts. Pure.

/** 1 234/s · 12.5/s · 0.42/s · 3/min for very slow edges. */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  if (perSecond < 0.1) return `${trim(perSecond * 60)}/min`;
  if (perSecond >= 1000) return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
  return `${trim(perSecond)}/s`;
}

export function formatPercent(ratio: number): string {
  if (ratio === 0) return '0%';
  const percent = ratio * 100;
  return percent < 0.1 ? '<0.1%' : `${trim(percent)}%`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${trim(ms)} ms`;
  return `${trim(ms / 1000)} s`;
}

function trim(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1).replace(/\.0$/, '');
  return value.toFixed(2).replace(/\.?0+$/, '') || '0';
}
