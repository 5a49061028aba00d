// Pure view logic of the breakers page: grouping by service worst first, colours and labels per
// state, time in state, and the failing-traces link of a timeline band.
import { z } from 'zod';
import type { BreakerWire } from '@/lib/contracts/health-api';

export const STATE_LABEL: Record<BreakerWire['state'], string> = {
  open: 'open',
  forced_open: 'forced open',
  suspected_open: 'suspected open (inferred)',
  half_open: 'half-open',
  closed: 'closed',
  disabled: 'disabled',
  metrics_only: 'metrics only',
};

export const STATE_COLOR: Record<string, string> = {
  open: '#ff6b6b',
  forced_open: '#ff6b6b',
  suspected_open: '#ff9f6b',
  half_open: '#ffc35c',
  closed: '#4cc38a',
  disabled: '#6b7280',
  metrics_only: '#6b7280',
};

const RANK: Record<string, number> = { open: 0, forced_open: 1, suspected_open: 2, half_open: 3, closed: 4, metrics_only: 5, disabled: 6 };

export function severityRank(state: string): number {
  return RANK[state] ?? 9;
}

export interface ServiceGroup {
  service: string;
  breakers: BreakerWire[];
  worst: number;
}

/** Breakers grouped by owning service; groups and breakers worst first, flapping first among equals. */
export function groupByService(breakers: readonly BreakerWire[]): ServiceGroup[] {
  const groups = new Map<string, BreakerWire[]>();
  for (const b of breakers) {
    const list = groups.get(b.service) ?? [];
    list.push(b);
    groups.set(b.service, list);
  }
  const sortBreakers = (a: BreakerWire, b: BreakerWire) =>
    severityRank(a.state) - severityRank(b.state) || Number(b.flapping) - Number(a.flapping) || a.name.localeCompare(b.name);
  return [...groups.entries()]
    .map(([service, list]) => ({ service, breakers: list.sort(sortBreakers), worst: Math.min(...list.map((b) => severityRank(b.state))) }))
    .sort((a, b) => a.worst - b.worst || a.service.localeCompare(b.service));
}

/** "3m 12s", "2h 5m", "4d 1h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * Trace search for the failing calls of a breaker's service in a time band (Jaeger's µs start/end).
 * Given the breaker's name (a breaker seen on spans: `circuit.name`, the documented convention), only
 * the failing calls through that breaker, i.e. on the edge it guards.
 */
export function failingTracesLink(service: string, startMs: number, endMs: number, circuitName?: string): string {
  const tags: Record<string, string> = { error: 'true' };
  if (circuitName) tags['circuit.name'] = circuitName;
  const params = new URLSearchParams({ service, tags: JSON.stringify(tags), start: String(Math.floor(startMs * 1000)), end: String(Math.ceil(endMs * 1000)) });
  return `/traces?${params}`;
}

/** One breaker picked by a deep link (from an incident): its tile is scrolled to and highlighted. */
export interface BreakerFocus {
  service: string;
  name: string;
}

/** The deep link to one breaker's tile on /breakers. */
export function breakerHref(focus: BreakerFocus): string {
  return `/breakers?${new URLSearchParams({ service: focus.service, name: focus.name })}`;
}

const focusParams = z.object({ service: z.string().min(1), name: z.string().min(1) });
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Reads ?service=&name= of /breakers (the page's own URL); null when absent or incomplete. */
export function parseBreakerFocus(params: Record<string, string | string[] | undefined>): BreakerFocus | null {
  const parsed = focusParams.safeParse({ service: first(params.service), name: first(params.name) });
  return parsed.success ? parsed.data : null;
}

export function isFocusedBreaker(b: Pick<BreakerWire, 'service' | 'name'>, focus: BreakerFocus | null): boolean {
  return focus !== null && b.service === focus.service && b.name === focus.name;
}
