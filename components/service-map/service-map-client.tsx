'use client';
// The service map island: reads the graph for the chosen window (use-service-graph), keeps it live
// over the collector's WebSocket (use-live-graph), derives the view (focus, filters, search, a
// highlighted trace), lays it out without jumps (use-map-layout) and draws it with React Flow, with
// a side panel for the clicked node or edge. The view lives in the URL (map-state.ts).
import { useEffect, useMemo, useState } from 'react';
import { ReactFlowProvider } from 'reactflow';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import type { HealthThresholds } from '@/lib/domain/service-graph/graph';
import type { NodeKind } from '@/lib/domain/service-graph/types';
import { EdgePanel } from './edge-panel';
import { useHealthOverlay } from './use-health-overlay';
import { GraphCanvas } from './graph-canvas';
import { buildMap, pathInGraph, searchMatches, viewGraph } from './map-model';
import { THRESHOLDS_STORAGE_KEY, mapStateToQuery, parseThresholds, type MapState } from './map-state';
import { NodePanel } from './node-panel';
import { Toolbar } from './toolbar';
import { useLiveGraph } from './use-live-graph';
import { useTracePath } from './use-map-details';
import { useMapLayout } from './use-map-layout';
import { serviceGraphKey, useServiceGraph } from './use-service-graph';
import './service-map.css';

type Selection = { type: 'node' | 'edge'; id: string } | null;

export function ServiceMapClient({ initialState, liveEndpoint }: { initialState: MapState; liveEndpoint: LiveEndpoint }) {
  const [state, setFullState] = useState(initialState);
  const setState = (patch: Partial<MapState>) => setFullState((old) => ({ ...old, ...patch }));
  const [thresholds, setThresholds] = useState<HealthThresholds>(() => parseThresholds(null));
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [hiddenKinds, setHiddenKinds] = useState<ReadonlySet<NodeKind>>(new Set());
  const [selection, setSelection] = useState<Selection>(null);
  const [relayoutCount, setRelayoutCount] = useState(0);
  const [replaying, setReplaying] = useState(false);
  const [nowMs, setNowMs] = useState(() => Date.now());

  useEffect(() => setThresholds(parseThresholds(window.localStorage.getItem(THRESHOLDS_STORAGE_KEY))), []);
  useEffect(() => {
    window.history.replaceState(null, '', `${window.location.pathname}${mapStateToQuery(state)}`);
  }, [state]);
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  // Replay: the window's end moves a minute per second until it reaches now.
  useEffect(() => {
    if (!replaying) return;
    const timer = setInterval(() => {
      setFullState((old) => {
        if (old.endMs === null) return old;
        const next = old.endMs + 60_000;
        return next >= Date.now() ? { ...old, endMs: null } : { ...old, endMs: next };
      });
    }, 1_000);
    return () => clearInterval(timer);
  }, [replaying]);
  useEffect(() => {
    if (state.endMs === null) setReplaying(false);
  }, [state.endMs]);

  const params = { lookbackMs: state.lookbackMs, endMs: state.endMs, environment: state.environment, thresholds };
  const graphQuery = useServiceGraph(params);
  const live = useLiveGraph({
    endpoint: liveEndpoint,
    enabled: state.endMs === null && state.live,
    queryKey: serviceGraphKey(params),
    environment: state.environment,
    thresholds,
  });
  const path = useTracePath(state.trace);

  const graph = graphQuery.data;
  const view = { focus: state.focus, hops: state.hops, hidden, hiddenKinds };
  const shown = useMemo(() => (graph ? viewGraph(graph, view) : undefined), [graph, state.focus, state.hops, hidden, hiddenKinds]); // `view` is rebuilt each render from these
  const viewKey = `${state.focus}|${state.hops}|${state.environment}|${[...hidden].join(',')}|${[...hiddenKinds].join(',')}`;
  const layout = useMapLayout(shown, viewKey, relayoutCount);
  const matches = useMemo(() => (shown ? searchMatches(shown, state.search) : null), [shown, state.search]);
  const highlighted = useMemo(() => (path.data && shown ? pathInGraph(path.data, shown) : null), [path.data, shown]);
  const overlay = useHealthOverlay(shown);
  const map = useMemo(
    () =>
      shown
        ? buildMap(shown, layout.positions, { matches, path: highlighted, selected: selection?.id ?? null, fresh: layout.fresh }, overlay)
        : { nodes: [], edges: [] },
    [shown, layout.positions, layout.fresh, matches, highlighted, selection, overlay],
  );

  const selectedNode = selection?.type === 'node' ? graph?.nodes.find((n) => n.id === selection.id) : undefined;
  const selectedEdge = selection?.type === 'edge' ? graph?.edges.find((e) => e.id === selection.id) : undefined;
  const range = { lookbackMs: state.lookbackMs, endMs: state.endMs };
  const services = (graph?.nodes ?? []).filter((n) => n.kind === 'service').map((n) => ({ id: n.id, name: n.name }));
  const hiddenList = [...hidden].map((id) => ({ id, name: graph?.nodes.find((n) => n.id === id)?.name ?? id }));

  const updateThresholds = (next: HealthThresholds) => {
    setThresholds(next);
    window.localStorage.setItem(THRESHOLDS_STORAGE_KEY, JSON.stringify(next));
  };

  return (
    <div className="sm-root">
      <Toolbar
        state={state}
        setState={(patch) => {
          if ('endMs' in patch && !('replaying' in patch)) setReplaying(false);
          setState(patch);
        }}
        nowMs={nowMs}
        liveStatus={live.status}
        environments={graph?.environments ?? []}
        services={services}
        hidden={hiddenList}
        onUnhide={(id) => setHidden(id === null ? new Set() : new Set([...hidden].filter((h) => h !== id)))}
        hiddenKinds={hiddenKinds}
        onToggleKind={(kind) => {
          const next = new Set(hiddenKinds);
          if (next.has(kind)) next.delete(kind);
          else next.add(kind);
          setHiddenKinds(next);
        }}
        thresholds={thresholds}
        onThresholds={updateThresholds}
        onRelayout={() => setRelayoutCount((n) => n + 1)}
        replaying={replaying}
        onReplay={() => setReplaying((r) => !r)}
        matchCount={matches ? matches.size : null}
      />
      <div className="sm-body">
        <div className="sm-canvas" data-testid="service-map-canvas" data-live-status={live.status}>
          {graphQuery.isError && !graph && (
            <div className="notice notice-error sm-overlay">
              <h2>Cannot load the service graph</h2>
              <p className="small">{String(graphQuery.error)}</p>
            </div>
          )}
          {graph && graph.nodes.length === 0 && (
            <div className="notice sm-overlay" data-testid="service-map-empty">
              <h2>No services in this window</h2>
              <p className="small">
                {state.endMs === null
                  ? 'As soon as your services send spans, they appear here — no reload needed.'
                  : 'Nothing was reported in this window. Move the time slider or pick a longer window.'}
              </p>
            </div>
          )}
          {state.trace && path.isError && <div className="sm-banner error-text">Trace {state.trace} not found.</div>}
          {highlighted && <div className="sm-banner">Showing the path of trace {state.trace?.slice(0, 16)}…</div>}
          <ReactFlowProvider>
            <GraphCanvas
              nodes={map.nodes}
              edges={map.edges}
              fitKey={layout.fitKey}
              onSelectNode={(id) => setSelection({ type: 'node', id })}
              onSelectEdge={(id) => setSelection({ type: 'edge', id })}
              onClear={() => setSelection(null)}
              onMoveNode={layout.moveNode}
              showMiniMap={map.nodes.length > 12}
            />
          </ReactFlowProvider>
          <Legend />
        </div>
        {graph && selectedNode && (
          <NodePanel
            node={selectedNode}
            graph={graph}
            range={range}
            environment={state.environment}
            focused={state.focus === selectedNode.id}
            onFocus={() => setState({ focus: state.focus === selectedNode.id ? null : selectedNode.id })}
            onHide={() => {
              setHidden(new Set([...hidden, selectedNode.id]));
              setSelection(null);
            }}
            onSelectEdge={(id) => setSelection({ type: 'edge', id })}
            onClose={() => setSelection(null)}
          />
        )}
        {graph && selectedEdge && (
          <EdgePanel
            edge={selectedEdge}
            graph={graph}
            range={range}
            environment={state.environment}
            breaker={overlay.breakers.get(selectedEdge.id)}
            onHighlightTrace={(trace) => setState({ trace })}
            onSelectNode={(id) => setSelection({ type: 'node', id })}
            onClose={() => setSelection(null)}
          />
        )}
      </div>
    </div>
  );
}

function Legend() {
  return (
    <div className="sm-legend" aria-label="Legend">
      <span>
        <i className="sm-swatch" style={{ background: '#4cc38a' }} /> healthy
      </span>
      <span>
        <i className="sm-swatch" style={{ background: '#ffc35c' }} /> degraded
      </span>
      <span>
        <i className="sm-swatch" style={{ background: '#ff6b6b' }} /> failing
      </span>
      <span>
        <i className="sm-line dashed" /> via broker / inferred peer
      </span>
    </div>
  );
}
