// The /logs page's live mode, pure: the subscription its filters mean (lib/contracts/log-tail.ts)
// and the rows on screen as frames arrive. Newest first; at most `max` rows are kept (older ones
// fall off the end); while paused, arriving records wait in `held` (bounded the same way) and are
// shown on resume; records the collector or this bound left out are counted, never hidden.
import type { LogEntry } from '@/lib/contracts/logs-api';
import type { LogTailMessage, SubscribeLogsMessage } from '@/lib/contracts/log-tail';
import type { LogFilters } from './log-search-params';

export const MAX_LIVE_ROWS = 2000;

export interface LiveTailState {
  /** On screen, newest first. */
  rows: LogEntry[];
  paused: boolean;
  /** Arrived while paused, newest first. */
  held: LogEntry[];
  /** Records that matched but are not shown: dropped by the collector or past a bound while paused. */
  missed: number;
}

export const initialLiveTail: LiveTailState = { rows: [], paused: false, held: [], missed: 0 };

/** The subscription for the page's filters (the time range does not apply to a tail). */
export function tailSubscription(filters: LogFilters, id: string): SubscribeLogsMessage {
  return {
    type: 'subscribe-logs',
    id,
    filter: {
      ...(filters.service ? { service: filters.service } : {}),
      ...(filters.severities.length ? { severities: filters.severities } : {}),
      ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
      ...(filters.traceId ? { traceId: filters.traceId } : {}),
      ...(filters.correlationId ? { correlationId: filters.correlationId } : {}),
      ...(filters.attrs.length
        ? {
            attributes: filters.attrs.map((pair) => {
              const at = pair.indexOf(':');
              return { key: pair.slice(0, at), value: pair.slice(at + 1) };
            }),
          }
        : {}),
    },
  };
}

/** A frame's records (oldest first) in front of `list` (newest first), keeping `max`. */
function prepend(list: LogEntry[], records: readonly LogEntry[], max: number): { list: LogEntry[]; overflow: number } {
  const next = [...records].reverse().concat(list);
  const overflow = Math.max(0, next.length - max);
  return { list: overflow > 0 ? next.slice(0, max) : next, overflow };
}

export function receiveFrame(state: LiveTailState, frame: Pick<LogTailMessage, 'records' | 'dropped'>, max = MAX_LIVE_ROWS): LiveTailState {
  if (frame.records.length === 0 && frame.dropped === 0) return state;
  if (state.paused) {
    const { list, overflow } = prepend(state.held, frame.records, max);
    return { ...state, held: list, missed: state.missed + frame.dropped + overflow };
  }
  // Rows falling off the end while live were seen; they are not missed.
  return { ...state, rows: prepend(state.rows, frame.records, max).list, missed: state.missed + frame.dropped };
}

export function pauseTail(state: LiveTailState): LiveTailState {
  return state.paused ? state : { ...state, paused: true };
}

export function resumeTail(state: LiveTailState, max = MAX_LIVE_ROWS): LiveTailState {
  if (!state.paused) return state;
  const rows = state.held.concat(state.rows);
  return { rows: rows.length > max ? rows.slice(0, max) : rows, paused: false, held: [], missed: state.missed };
}
