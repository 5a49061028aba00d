'use client';
// The overview's small live service map: the last 15 minutes, kept live over the collector's
// WebSocket; a click on a node opens the full map focused on it.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { ReactFlowProvider } from 'reactflow';
import type { LiveEndpoint } from '@/lib/contracts/live-endpoint';
import { DEFAULT_THRESHOLDS } from '@/lib/domain/service-graph/graph';
import { GraphCanvas } from './graph-canvas';
import { mapLink } from './links';
import { buildMap } from './map-model';
import { DEFAULT_MAP_STATE } from './map-state';
import { useLiveGraph } from './use-live-graph';
import { useMapLayout } from './use-map-layout';
import { serviceGraphKey, useServiceGraph } from './use-service-graph';
import './service-map.css';

export function ServiceMapPreview({ liveEndpoint }: { liveEndpoint: LiveEndpoint }) {
  const router = useRouter();
  const params = { lookbackMs: DEFAULT_MAP_STATE.lookbackMs, endMs: null, environment: null, thresholds: DEFAULT_THRESHOLDS };
  const graph = useServiceGraph(params);
  const live = useLiveGraph({ endpoint: liveEndpoint, enabled: true, queryKey: serviceGraphKey(params), environment: null, thresholds: DEFAULT_THRESHOLDS });
  const layout = useMapLayout(graph.data, 'preview', 0);
  if (!graph.data || graph.data.nodes.length === 0) return null;
  const map = buildMap(graph.data, layout.positions, { matches: null, path: null, selected: null, fresh: layout.fresh });
  return (
    <section className="sm-preview" aria-label="Service map">
      <div className="sm-preview-head">
        <h2>Service map</h2>
        <span className="muted small">
          last 15 minutes{live.status === 'live' ? ' · live' : ''} · <Link href={mapLink({})}>open the full map →</Link>
        </span>
      </div>
      <div className="sm-canvas sm-preview-canvas" data-testid="service-map-preview">
        <ReactFlowProvider>
          <GraphCanvas
            nodes={map.nodes}
            edges={map.edges}
            fitKey={layout.fitKey}
            onSelectNode={(id) => router.push(mapLink({ focus: id }))}
            onSelectEdge={() => router.push(mapLink({}))}
            onClear={() => {}}
            onMoveNode={() => {}}
            interactive={false}
          />
        </ReactFlowProvider>
      </div>
    </section>
  );
}
