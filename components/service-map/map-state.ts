// The map's view as URL query parameters, so a view can be bookmarked and shared:
//   window=15m  at=<Unix ms end, absent = live>  env=prod  focus=service:checkout  hops=2
//   trace=<trace id to highlight>  q=<search>  paused=1
import { DEFAULT_THRESHOLDS, type HealthThresholds } from '@/lib/domain/service-graph/graph';
import { parseNodeId } from '@/lib/domain/service-graph/types';

export const WINDOW_PRESETS = [
  { label: '5m', ms: 5 * 60_000 },
  { label: '15m', ms: 15 * 60_000 },
  { label: '1h', ms: 60 * 60_000 },
  { label: '6h', ms: 6 * 60 * 60_000 },
  { label: '24h', ms: 24 * 60 * 60_000 },
] as const;

/** How far back the time slider reaches. */
export const REPLAY_RANGE_MS = 24 * 60 * 60_000;
export const MAX_HOPS = 4;

export interface MapState {
  lookbackMs: number;
  /** End of a replayed window; null follows now. */
  endMs: number | null;
  /** Live updates while following now (off: the map refreshes every 30 s only). */
  live: boolean;
  environment: string | null;
  focus: string | null;
  hops: number;
  trace: string | null;
  search: string;
}

export const DEFAULT_MAP_STATE: MapState = {
  lookbackMs: 15 * 60_000,
  endMs: null,
  live: true,
  environment: null,
  focus: null,
  hops: 1,
  trace: null,
  search: '',
};

type Params = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function parseMapState(params: Params): MapState {
  const state = { ...DEFAULT_MAP_STATE };
  const window = WINDOW_PRESETS.find((p) => p.label === one(params.window));
  if (window) state.lookbackMs = window.ms;
  const at = Number(one(params.at));
  if (Number.isSafeInteger(at) && at > 0) state.endMs = at;
  state.live = one(params.paused) !== '1';
  const env = one(params.env);
  if (env) state.environment = env;
  const focus = one(params.focus);
  if (focus && parseNodeId(focus)) state.focus = focus;
  const hops = Number(one(params.hops));
  if (Number.isInteger(hops) && hops >= 0 && hops <= MAX_HOPS) state.hops = hops;
  const trace = one(params.trace);
  if (trace && /^[0-9a-fA-F]{1,32}$/.test(trace)) state.trace = trace.toLowerCase();
  state.search = one(params.q) ?? '';
  return state;
}

export function mapStateToQuery(state: MapState): string {
  const params = new URLSearchParams();
  const window = WINDOW_PRESETS.find((p) => p.ms === state.lookbackMs);
  if (window && window.ms !== DEFAULT_MAP_STATE.lookbackMs) params.set('window', window.label);
  if (state.endMs !== null) params.set('at', String(state.endMs));
  if (!state.live) params.set('paused', '1');
  if (state.environment !== null) params.set('env', state.environment);
  if (state.focus !== null) params.set('focus', state.focus);
  if (state.focus !== null && state.hops !== DEFAULT_MAP_STATE.hops) params.set('hops', String(state.hops));
  if (state.trace !== null) params.set('trace', state.trace);
  if (state.search !== '') params.set('q', state.search);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Health thresholds in percent as the settings show them, stored per browser. */
export const THRESHOLDS_STORAGE_KEY = 'meshlight.serviceMap.thresholds';

export function parseThresholds(text: string | null): HealthThresholds {
  try {
    const value = JSON.parse(text ?? '') as Partial<HealthThresholds>;
    const degraded = Number(value.degraded);
    const failing = Number(value.failing);
    if (degraded >= 0 && failing <= 1 && degraded <= failing) return { degraded, failing };
  } catch {
    // absent or unreadable: defaults
  }
  return DEFAULT_THRESHOLDS;
}

/** The slider's position in minutes before now (0 = now). */
export function sliderMinutes(endMs: number | null, nowMs: number): number {
  return endMs === null ? 0 : Math.max(-REPLAY_RANGE_MS / 60_000, Math.min(0, Math.round((endMs - nowMs) / 60_000)));
}

/** The window end a slider position stands for, on a whole minute; null at 0 (now). */
export function endFromSlider(minutes: number, nowMs: number): number | null {
  if (minutes >= 0) return null;
  return Math.floor((nowMs + minutes * 60_000) / 60_000) * 60_000;
}
