// Pure helpers of the incident pages: the shared time scale, band colours, the links from a
// moment on the axis to the evidence (failing traces in /traces' URL format, logs, breakers, lag),
// and which cached queries a live message makes stale.
import type { LiveMessage } from '@/lib/contracts/live-messages';
import type { Incident } from '@/lib/domain/incidents/incidents';
export { breakerHref } from '../breakers/breaker-view';
export { lagHref } from '../lag/lag-view';

/** React Query keys of the incident pages (prefixes: ['incident'] covers every incident). */
export const INCIDENT_KEYS = {
  list: ['incidents'] as const,
  rules: ['rules'] as const,
  incident: (id: string) => ['incident', id] as const,
  timeline: (id: string) => ['incident-timeline', id] as const,
};

/**
 * The queries a live message makes stale: alerts changing state change the incidents (built from
 * them on read), the rules' states and any incident; a breaker or lag status change redraws the
 * timelines' bands. Map deltas change nothing here (the timelines read per-minute rollups).
 */
export function staleIncidentQueries(message: LiveMessage): ReadonlyArray<readonly string[]> {
  switch (message.type) {
    case 'alerts-changed':
      return [INCIDENT_KEYS.list, INCIDENT_KEYS.rules, ['incident'], ['incident-timeline']];
    case 'breaker-state':
    case 'lag-status':
      return [['incident-timeline']];
    default:
      return [];
  }
}

export interface TimeScale {
  start: number;
  end: number;
}

/** Percent of the track's width at time `t` (clamped). */
export function pct(scale: TimeScale, t: number): number {
  const span = Math.max(1, scale.end - scale.start);
  return Math.min(100, Math.max(0, ((t - scale.start) / span) * 100));
}

/** The time at a fraction (0..1) of the track's width. */
export function timeAt(scale: TimeScale, fraction: number): number {
  return Math.round(scale.start + Math.min(1, Math.max(0, fraction)) * (scale.end - scale.start));
}

export const STATE_COLOURS: Record<string, string> = {
  closed: '#1f6f43',
  open: '#d64545',
  forced_open: '#d64545',
  suspected_open: '#c2410c',
  half_open: '#d9a21b',
  OK: '#1f6f43',
  WARN: '#d9a21b',
  ERR: '#d64545',
  STOP: '#a11d1d',
  STALL: '#a11d1d',
  REWIND: '#7c3aed',
  firing: '#d64545',
  resolved: '#4b5563',
};

export function bandColour(state: string): string {
  return STATE_COLOURS[state] ?? '#4b5563';
}

/** Failing traces of a service around `t`: /traces' own URL (µs, lookback=custom, errors=1), plus Jaeger's tags. */
export function failingTracesHref(service: string, t: number, halfWindowMs = 60_000): string {
  const params = new URLSearchParams({
    service,
    errors: '1',
    tags: JSON.stringify({ error: 'true' }),
    lookback: 'custom',
    start: String((t - halfWindowMs) * 1000),
    end: String((t + halfWindowMs) * 1000),
  });
  return `/traces?${params}`;
}

/** A service's logs around `t` (the logs page reads service, start/end in Unix ms). */
export function logsHref(service: string, t: number, halfWindowMs = 60_000): string {
  const params = new URLSearchParams({ service, start: String(t - halfWindowMs), end: String(t + halfWindowMs) });
  return `/logs?${params}`;
}

/** A trace, or its Logs tab (every log of the trace, including those joined by correlation id). */
export function traceHref(traceId: string, view?: 'logs'): string {
  return `/traces/${traceId}${view ? `?view=${view}` : ''}`;
}

export function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Ticks every 1, 2, 5, 10, 15 or 30 minutes, about 6–12 across the scale. */
export function ticks(scale: TimeScale): number[] {
  const spanMin = (scale.end - scale.start) / 60_000;
  const step = [1, 2, 5, 10, 15, 30, 60, 120].find((m) => spanMin / m <= 12) ?? 240;
  const stepMs = step * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil(scale.start / stepMs) * stepMs; t <= scale.end; t += stepMs) out.push(t);
  return out;
}

/** Bands overlapping `t`, e.g. which breakers were open and which queues lagging at that moment. */
export function bandAt<B extends { start: number; end: number; state: string }>(bands: readonly B[], t: number): B | undefined {
  return bands.find((b) => b.start <= t && t <= b.end);
}

/** The node of the incident's first signal: its target (a call to it failing) or its service, else the root cause's. */
export function firstSignalNode(incident: Pick<Incident, 'episodes' | 'firstEpisodeId' | 'rootCause'>): string | null {
  const first = incident.episodes.find((e) => e.id === incident.firstEpisodeId);
  const service = first?.labels.target ?? first?.labels.service;
  return service ? `service:${service}` : (incident.rootCause?.node ?? null);
}
