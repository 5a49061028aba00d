// Pure view logic of the lag page and the map's lag badge: status colours, trend arrows and the
// human figures (lag in messages and in time with its source, time to drain).
import { z } from 'zod';
import type { LagGroupResponse } from '@/lib/contracts/health-api';
import { LAG_SECONDS_SOURCE_LABEL, type LagSecondsSource } from '@/lib/domain/lag/lag-in-time';

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

/** Where a lag in time comes from, in two words (the full wording is LAG_SECONDS_SOURCE_LABEL). */
export const LAG_SOURCE_TAG: Record<LagSecondsSource, string> = {
  'consume-rate': 'consume rate',
  'net-rate': 'publish rate',
  traces: 'from traces',
  empty: '',
};

export { LAG_SECONDS_SOURCE_LABEL };

/**
 * Lag in time with where it comes from ("21 s from traces", "12 s consume rate"), and apart from it
 * the time messages actually waited from traces when the figure itself is not from traces.
 */
export function lagInTimeParts(g: Pick<LagGroupResponse, 'lagSeconds' | 'tracesQueueMs'> & { lagSecondsSource?: LagSecondsSource | null | undefined }): { figure: string | null; traces: string | null } {
  let figure: string | null = null;
  if (g.lagSeconds !== null) {
    const tag = g.lagSecondsSource ? LAG_SOURCE_TAG[g.lagSecondsSource] : '';
    figure = tag ? `${formatSeconds(g.lagSeconds)} ${tag}` : formatSeconds(g.lagSeconds);
  }
  const traces = g.tracesQueueMs && g.lagSecondsSource !== 'traces' ? `traces p95 ${formatSeconds(g.tracesQueueMs.p95 / 1000)}` : null;
  return { figure, traces };
}

/** The same on one line ("12 s consume rate · traces p95 2.5 s"), for the map's edge label. */
export function lagInTime(g: Parameters<typeof lagInTimeParts>[0]): string {
  const { figure, traces } = lagInTimeParts(g);
  return [figure, traces].filter(Boolean).join(' · ') || '–';
}

/** The map's lag badge: messages, lag in time, status and trend arrow ("lag 312 · 24 s · WARN ↗"). */
export function lagBadgeText(g: Pick<LagGroupResponse, 'lag' | 'lagSeconds' | 'status' | 'trend'>): string {
  const time = g.lagSeconds !== null && g.lag > 0 ? ` · ${formatSeconds(g.lagSeconds)}` : '';
  return `lag ${formatCount(g.lag)}${time} · ${g.status} ${TREND_ARROW[g.trend]}`;
}

/** The badge's tooltip: everything the table row says. */
export function lagBadgeTitle(g: Pick<LagGroupResponse, 'destination' | 'lag' | 'lagSeconds' | 'lagSecondsSource' | 'status' | 'trend' | 'drainSeconds' | 'tracesQueueMs'>): string {
  const source = g.lagSecondsSource ? ` (${LAG_SECONDS_SOURCE_LABEL[g.lagSecondsSource]})` : '';
  const time = g.lagSeconds !== null ? `, ${formatSeconds(g.lagSeconds)} behind${source}` : '';
  const drain = drainText(g);
  const drainPhrase = g.lag <= 0 ? 'empty' : drain === 'not draining' ? drain : drain === '–' ? 'time to drain unknown' : `drains in ${drain}`;
  return `${g.destination}: ${g.status}, ${formatCount(g.lag)} messages${time}; ${g.trend}; ${drainPhrase}`;
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

/** One consumer group or queue picked by a deep link (from an incident): its row is highlighted and its charts open. */
export interface LagFocus {
  system: string;
  destination: string;
  group: string;
}

/** The deep link to one row of /lag (a queue without groups has group = destination). */
export function lagHref(focus: LagFocus): string {
  return `/lag?${new URLSearchParams({ system: focus.system, destination: focus.destination, group: focus.group })}`;
}

const focusParams = z.object({ system: z.string().min(1), destination: z.string().min(1), group: z.string().min(1).optional() });
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Reads ?system=&destination=&group= of /lag; group defaults to the destination (RabbitMQ queues, NATS streams without consumer). */
export function parseLagFocus(params: Record<string, string | string[] | undefined>): LagFocus | null {
  const parsed = focusParams.safeParse({ system: first(params.system), destination: first(params.destination), group: first(params.group) || undefined });
  if (!parsed.success) return null;
  return { system: parsed.data.system, destination: parsed.data.destination, group: parsed.data.group ?? parsed.data.destination };
}

export function isFocusedLag(g: Pick<LagGroupResponse, 'system' | 'destination' | 'group'>, focus: LagFocus | null): boolean {
  return focus !== null && g.system === focus.system && g.destination === focus.destination && g.group === focus.group;
}
