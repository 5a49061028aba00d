// Circuit breakers and broker lag over HTTP (/api/breakers, /api/lag and their history endpoints) and
// over the live WebSocket ('breaker-state', 'lag-status' messages): one zod schema per shape, shared by
// the route handlers, the collector that pushes them and the pages that read them.
import { z } from 'zod';
import type { BreakerRatePoint } from '../domain/breakers/rate-series';
import type { LagSecondsSource, TracesQueueTime } from '../domain/lag/lag-in-time';
import { ApiError } from './api-error';

export type { BreakerRatePoint, LagSecondsSource };

export const BREAKER_STATES = ['closed', 'open', 'half_open', 'forced_open', 'disabled', 'metrics_only', 'suspected_open'] as const;
export const LAG_STATUSES = ['OK', 'WARN', 'ERR', 'STOP', 'STALL', 'REWIND'] as const;

export const breakerWire = z.object({
  name: z.string(),
  service: z.string(),
  target: z.string().nullable(),
  state: z.enum(BREAKER_STATES),
  /** Unix ms when the current state began. */
  since: z.number(),
  failureRate: z.number().nullable(),
  slowCallRate: z.number().nullable(),
  callsPerSecond: z.number().nullable(),
  rejectedPerSecond: z.number().nullable(),
  source: z.string(),
  flapping: z.boolean(),
});
export type BreakerWire = z.infer<typeof breakerWire>;

export const lagWire = z.object({
  system: z.enum(['kafka', 'rabbitmq', 'nats']),
  cluster: z.string(),
  destination: z.string(),
  group: z.string(),
  lag: z.number(),
  lagSeconds: z.number().nullable(),
  /** Where lagSeconds comes from (lib/domain/lag/lag-in-time.ts); absent from older collectors. */
  lagSecondsSource: z.enum(['consume-rate', 'net-rate', 'traces', 'empty']).nullable().optional(),
  status: z.enum(LAG_STATUSES),
  trend: z.enum(['growing', 'steady', 'draining']),
  consumeRate: z.number().nullable(),
  produceRate: z.number().nullable(),
  drainSeconds: z.number().nullable(),
  consumers: z.number().nullable(),
});
export type LagWire = z.infer<typeof lagWire>;

export interface LagGroupResponse extends LagWire {
  partitions?: Array<{ partition: string; lag: number; status: string }>;
  /** Unix ms when the current status began. */
  since: number;
  updated: number;
  /** Time messages spent in the broker before a consumer took them, from traces (p50/p95, ms). */
  tracesQueueMs: TracesQueueTime | null;
}

export interface BreakerTransitionWire {
  t: number;
  from: string | null;
  to: string;
  source: string;
}

export interface BreakerHistoryResponse {
  breaker: BreakerWire | null;
  transitions: BreakerTransitionWire[];
  /** The states over the window as bands (the last one open-ended at `end`). */
  bands: Array<{ start: number; end: number; state: string }>;
  /** The breaker's rates over the window, one point per `stepMs` (mean per step; null = no sample). */
  series: BreakerRatePoint[];
  stepMs: number;
  start: number;
  end: number;
}

export interface LagHistoryResponse {
  group: LagGroupResponse | null;
  points: Array<{ t: number; lag: number; lagSeconds: number | null; lagSecondsSource: LagSecondsSource | null; status: string; consumeRate: number | null; produceRate: number | null; partitions: Array<{ partition: string; lag: number }> }>;
  start: number;
  end: number;
}

const MAX_WINDOW_MS = 31 * 24 * 3600_000;

/** `start`/`end` in Unix ms (default the last hour), bounded; 400 on nonsense. */
export function parseHistoryWindow(params: URLSearchParams, nowMs: number): { start: number; end: number } {
  const num = (name: string) => {
    const raw = params.get(name);
    if (raw === null || raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0) throw new ApiError(400, `${name} must be a Unix time in milliseconds`);
    return v;
  };
  const end = num('end') ?? nowMs;
  const start = num('start') ?? end - 3600_000;
  if (start >= end) throw new ApiError(400, 'start must be before end');
  if (end - start > MAX_WINDOW_MS) throw new ApiError(400, 'the window may span at most 31 days');
  return { start, end };
}

/** Turns transitions into state bands over [start, end], starting from the state before `start`. */
export function stateBands(before: string | null, transitions: readonly BreakerTransitionWire[], start: number, end: number): BreakerHistoryResponse['bands'] {
  const bands: BreakerHistoryResponse['bands'] = [];
  let state = before;
  let from = start;
  for (const t of transitions) {
    if (t.t < start || t.t > end) continue;
    if (state !== null && t.t > from) bands.push({ start: from, end: t.t, state });
    state = t.to;
    from = Math.max(start, t.t);
  }
  if (state !== null && end > from) bands.push({ start: from, end, state });
  return bands;
}
