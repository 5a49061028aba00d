'use client';
// The map's controls: window presets, the time slider (replay a past window, or play it forward),
// live mode, environment, search, focus with N hops, node kinds shown, hidden nodes, a trace to
// highlight, the health thresholds and a fresh layout.
import { useEffect, useState } from 'react';
import type { HealthThresholds } from '@/lib/domain/service-graph/graph';
import type { NodeKind } from '@/lib/domain/service-graph/types';
import { KIND_LABELS } from './map-model';
import { MAX_HOPS, REPLAY_RANGE_MS, WINDOW_PRESETS, endFromSlider, sliderMinutes, type MapState } from './map-state';
import type { LiveStatus } from './live-updates';
import { LIVE_RECONCILE_MS } from './use-service-graph';

const TOGGLE_KINDS: NodeKind[] = ['user', 'database', 'cache', 'messaging', 'external'];

function clock(ms: number): string {
  return new Date(ms).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const LIVE_TEXT: Record<LiveStatus, string> = {
  off: 'Paused',
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: `Refreshing every ${LIVE_RECONCILE_MS / 1000} s`,
};

const LIVE_TITLE: Partial<Record<LiveStatus, string>> = {
  polling: `Live updates are unavailable: the collector’s /live endpoint does not answer (is MESHLIGHT_LIVE off?). The map refreshes every ${LIVE_RECONCILE_MS / 1000} seconds meanwhile.`,
};

export interface ToolbarProps {
  state: MapState;
  setState(patch: Partial<MapState>): void;
  nowMs: number;
  liveStatus: LiveStatus;
  environments: string[];
  services: Array<{ id: string; name: string }>;
  hidden: Array<{ id: string; name: string }>;
  onUnhide(id: string | null): void;
  hiddenKinds: ReadonlySet<NodeKind>;
  onToggleKind(kind: NodeKind): void;
  thresholds: HealthThresholds;
  onThresholds(thresholds: HealthThresholds): void;
  onRelayout(): void;
  replaying: boolean;
  onReplay(): void;
  matchCount: number | null;
}

export function Toolbar(props: ToolbarProps) {
  const { state, setState, nowMs } = props;
  const [trace, setTrace] = useState(state.trace ?? '');
  useEffect(() => setTrace(state.trace ?? ''), [state.trace]);
  const minutes = sliderMinutes(state.endMs, nowMs);
  const following = state.endMs === null;

  return (
    <div className="sm-toolbar">
      <div className="sm-toolbar-row">
        <div className="sm-segmented" role="group" aria-label="Window">
          {WINDOW_PRESETS.map((preset) => (
            <button
              key={preset.label}
              type="button"
              className={preset.ms === state.lookbackMs ? 'is-active' : undefined}
              onClick={() => setState({ lookbackMs: preset.ms })}
            >
              {preset.label}
            </button>
          ))}
        </div>
        <label className="sm-slider">
          <span className="sr-only">Window end</span>
          <input
            type="range"
            min={-REPLAY_RANGE_MS / 60_000}
            max={0}
            step={1}
            value={minutes}
            onChange={(event) => setState({ endMs: endFromSlider(Number(event.target.value), Date.now()) })}
            aria-label="Window end (minutes before now)"
          />
          <span className="sm-slider-label">{following ? 'now' : `until ${clock(state.endMs!)}`}</span>
        </label>
        {!following && (
          <>
            <button type="button" onClick={props.onReplay} title="Play the window forward, a minute per second">
              {props.replaying ? '❚❚ Pause' : '▶ Replay'}
            </button>
            <button type="button" onClick={() => setState({ endMs: null })}>
              Now
            </button>
          </>
        )}
        <button
          type="button"
          className={`sm-live is-${following && state.live ? props.liveStatus : 'off'}`}
          onClick={() => setState(following ? { live: !state.live } : { endMs: null, live: true })}
          title={following ? (LIVE_TITLE[props.liveStatus] ?? 'Push updates from the collector as spans arrive') : 'Back to now, live'}
          data-testid="live-toggle"
        >
          <span className="sm-live-dot" aria-hidden="true" />
          {following ? LIVE_TEXT[state.live ? props.liveStatus : 'off'] : 'Go live'}
        </button>
        <label className="sm-field">
          <span>Environment</span>
          <select value={state.environment ?? ''} onChange={(event) => setState({ environment: event.target.value || null })}>
            <option value="">all</option>
            {[...new Set([...props.environments, ...(state.environment ? [state.environment] : [])])].map((env) => (
              <option key={env} value={env}>
                {env}
              </option>
            ))}
          </select>
        </label>
        <div className="sm-toolbar-end">
          <details className="sm-settings">
            <summary>Thresholds</summary>
            <div className="sm-settings-body">
              <label>
                Degraded from
                <input
                  type="number"
                  min={0}
                  max={100}
                  step={0.1}
                  value={+(props.thresholds.degraded * 100).toFixed(2)}
                  onChange={(event) => props.onThresholds({ ...props.thresholds, degraded: Math.min(Number(event.target.value) / 100, props.thresholds.failing) })}
                />
                % errors
              </label>
              <label>
                Failing from
                <input
                  type="number"
                  min={0}
                  max={100}
                  step={0.1}
                  value={+(props.thresholds.failing * 100).toFixed(2)}
                  onChange={(event) => props.onThresholds({ ...props.thresholds, failing: Math.max(Number(event.target.value) / 100, props.thresholds.degraded) })}
                />
                % errors
              </label>
            </div>
          </details>
          <button type="button" onClick={props.onRelayout} title="Lay the graph out again from scratch">
            Re-layout
          </button>
        </div>
      </div>
      <div className="sm-toolbar-row">
        <label className="sm-field">
          <span>Search</span>
          <input type="search" value={state.search} placeholder="name or kind" onChange={(event) => setState({ search: event.target.value })} />
          {props.matchCount !== null && <span className="muted small">{props.matchCount} match{props.matchCount === 1 ? '' : 'es'}</span>}
        </label>
        <label className="sm-field">
          <span>Focus</span>
          <select value={state.focus ?? ''} onChange={(event) => setState({ focus: event.target.value || null })}>
            <option value="">whole graph</option>
            {props.services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <select value={state.hops} onChange={(event) => setState({ hops: Number(event.target.value) })} disabled={!state.focus} aria-label="Hops">
            {Array.from({ length: MAX_HOPS + 1 }, (_, i) => (
              <option key={i} value={i}>
                {i} hop{i === 1 ? '' : 's'}
              </option>
            ))}
          </select>
        </label>
        <div className="sm-kinds" role="group" aria-label="Node kinds shown">
          {TOGGLE_KINDS.map((kind) => (
            <label key={kind} className="sm-check">
              <input type="checkbox" checked={!props.hiddenKinds.has(kind)} onChange={() => props.onToggleKind(kind)} />
              {KIND_LABELS[kind]}
            </label>
          ))}
        </div>
        {props.hidden.length > 0 && (
          <div className="sm-hidden">
            <span className="muted small">Hidden:</span>
            {props.hidden.map((h) => (
              <button key={h.id} type="button" className="chip" onClick={() => props.onUnhide(h.id)} title="Show again">
                {h.name} ×
              </button>
            ))}
            <button type="button" className="link-button small" onClick={() => props.onUnhide(null)}>
              show all
            </button>
          </div>
        )}
        <form
          className="sm-field"
          onSubmit={(event) => {
            event.preventDefault();
            const id = trace.trim().toLowerCase();
            setState({ trace: /^[0-9a-f]{1,32}$/.test(id) ? id : null });
          }}
        >
          <span>Trace</span>
          <input value={trace} onChange={(event) => setTrace(event.target.value)} placeholder="trace id to highlight" className="mono" size={16} />
          {state.trace && (
            <button type="button" className="link-button small" onClick={() => setState({ trace: null })}>
              clear
            </button>
          )}
        </form>
      </div>
    </div>
  );
}
