// The metrics explorer's state as it lives in the URL: `q` the PromQL query, `range` a Prometheus
// duration (1h), `end` Unix ms or absent for "now", `step` a duration or absent for automatic.
// Pure, so links can be built and parsed anywhere and the rules are tested.
import { formatPromDuration, parsePromDuration } from '@/lib/domain/metrics/duration';

export const RANGE_PRESETS = ['5m', '15m', '1h', '3h', '6h', '12h', '1d', '2d', '7d'] as const;
export const DEFAULT_RANGE = '1h';

export interface ExplorerState {
  query: string;
  range: string;
  rangeMs: number;
  /** Unix ms, or null for now. */
  endMs: number | null;
  /** Explicit step in ms, or null for automatic. */
  stepMs: number | null;
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function get(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

export function readExplorerState(params: Params): ExplorerState {
  const rangeText = get(params, 'range') ?? DEFAULT_RANGE;
  const rangeMs = parsePromDuration(rangeText);
  const range = rangeMs && rangeMs > 0 ? rangeText : DEFAULT_RANGE;
  const endText = get(params, 'end');
  const end = endText !== undefined && /^\d+$/.test(endText) ? Number(endText) : null;
  const stepText = get(params, 'step');
  const step = stepText ? parsePromDuration(stepText) : undefined;
  return {
    query: get(params, 'q') ?? '',
    range,
    rangeMs: parsePromDuration(range)!,
    endMs: end,
    stepMs: step && step > 0 ? step : null,
  };
}

export function explorerSearch(state: Pick<ExplorerState, 'query' | 'range' | 'endMs' | 'stepMs'>): string {
  const params = new URLSearchParams();
  if (state.query) params.set('q', state.query);
  if (state.range !== DEFAULT_RANGE) params.set('range', state.range);
  if (state.endMs !== null) params.set('end', String(state.endMs));
  if (state.stepMs !== null) params.set('step', formatPromDuration(state.stepMs));
  const text = params.toString();
  return text ? `?${text}` : '';
}

const NICE_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** About 250 points across the range, rounded up to a step people recognise; never under 1 s. */
export function autoStepMs(rangeMs: number): number {
  const raw = rangeMs / 250 / 1000;
  const nice = NICE_STEPS_S.find((s) => s >= raw) ?? NICE_STEPS_S[NICE_STEPS_S.length - 1]!;
  return nice * 1000;
}

/** The `1:12:` position Prometheus puts in front of parse errors, as a 1-based column. */
export function errorColumn(message: string): number | undefined {
  const match = /(?:^|\s)(\d+):(\d+):/.exec(message);
  return match ? Number(match[2]) : undefined;
}
