// Pure view logic of the lag page: status colours, trend arrows and the human figures (lag in
// messages and in time, time to drain).
import type { LagGroupResponse } from '@/lib/contracts/health-api';

export const STATUS_COLOR: Record<string, string> = {
  OK: '#4cc38a',
  WARN: '#ffc35c',
  ERR: '#ff6b6b',
  STALL: '#ff6b6b',
  STOP: '#ff6b6b',
  REWIND: '#ff6b6b',
};

export const TREND_ARROW: Record<LagGroupResponse['trend'], string> = { growing: '↗', steady: '→', draining: '↘' };

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}

export function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
}

/** Lag in time: from the consume rate, and from traces (how long messages waited) when known. */
export function lagInTime(g: Pick<LagGroupResponse, 'lagSeconds' | 'tracesQueueMs'>): string {
  const parts: string[] = [];
  if (g.lagSeconds !== null) parts.push(formatSeconds(g.lagSeconds));
  if (g.tracesQueueMs) parts.push(`traces p95 ${formatSeconds(g.tracesQueueMs.p95 / 1000)}`);
  return parts.length ? parts.join(' · ') : '–';
}

/** Time to drain as people say it: "not draining" while growing, "—" when empty. */
export function drainText(g: Pick<LagGroupResponse, 'lag' | 'drainSeconds' | 'trend'>): string {
  if (g.lag <= 0) return '—';
  if (g.drainSeconds === null) return g.trend === 'growing' ? 'not draining' : '–';
  return formatSeconds(g.drainSeconds);
}

export function historyUrl(g: Pick<LagGroupResponse, 'system' | 'destination' | 'group'>, start: number, end: number): string {
  return `/api/lag/${g.system}/${encodeURIComponent(g.destination)}/${encodeURIComponent(g.group)}/history?start=${start}&end=${end}`;
}
