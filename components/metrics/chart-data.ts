// Prometheus `matrix` results → what the line chart draws: one row per timestamp with a column per
// series (null where a series has no point, so lines break at gaps and staleness), and the series'
// legend entries with stable colours. Pure and tested.

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  /** The value at the last timestamp that has one (the legend shows it). */
  last: number | null;
}

export interface ChartRow {
  t: number;
  [series: string]: number | null;
}

const PALETTE = ['#7cb0ff', '#f2a65a', '#6fd08c', '#ff7b7b', '#c792ea', '#5fd3d3', '#e5c07b', '#ff9bd2', '#a3be8c', '#9aa5ff'];

/** `name{a="x", b="y"}`: how Prometheus prints a series. */
export function seriesLabel(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const labels = Object.keys(rest)
    .sort()
    .map((key) => `${key}="${rest[key]}"`)
    .join(', ');
  return labels ? `${name}{${labels}}` : name || '{}';
}

/** Prometheus's sample value strings, including NaN and ±Inf. */
export function sampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function toChartData(result: MatrixSeries[]): { rows: ChartRow[]; series: ChartSeries[] } {
  const series: ChartSeries[] = [];
  const byTime = new Map<number, ChartRow>();
  result.forEach((s, i) => {
    const key = `s${i}`;
    let last: number | null = null;
    for (const [seconds, text] of s.values) {
      const t = Math.round(seconds * 1000);
      const v = sampleValue(text);
      let row = byTime.get(t);
      if (!row) byTime.set(t, (row = { t }));
      // Charts cannot draw NaN or infinities; they become gaps.
      row[key] = Number.isFinite(v) ? v : null;
      if (Number.isFinite(v)) last = v;
    }
    series.push({ key, label: seriesLabel(s.metric), color: PALETTE[i % PALETTE.length]!, last });
  });
  const rows = [...byTime.values()].sort((a, b) => a.t - b.t);
  for (const row of rows) for (const s of series) if (!(s.key in row)) row[s.key] = null;
  return { rows, series };
}

/** Short numbers for axes and legends: 1.2k, 3.4M, 0.0012. */
export function formatValue(v: number | null): string {
  if (v === null || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${(v / 1e9).toFixed(abs >= 1e10 ? 0 : 1)}G`;
  if (abs >= 1e6) return `${(v / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${(v / 1e3).toFixed(abs >= 1e5 ? 0 : 1)}k`;
  if (abs === 0 || abs >= 1) return String(Math.round(v * 100) / 100);
  return v.toPrecision(2);
}
