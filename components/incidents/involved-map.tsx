'use client';
// The involved part of the service map on an incident page: a small read-only React Flow graph of
// the incident's nodes and the edges touching them with the traffic of the incident's window (rate,
// error %, p95 and health, as the API's `map` carries them: lib/domain/incidents/involved-graph),
// laid out and drawn by the service map's own parts (useMapLayout/elkLayout, buildMap, GraphCanvas),
// the first signal's node highlighted. A click on a node opens the full map focused on it. Without
// edges, the list of chips stays.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { ReactFlowProvider } from 'reactflow';
import type { IncidentDetailWire } from '@/lib/contracts/alerting-api';
import { GraphCanvas } from '../service-map/graph-canvas';
import { mapLink } from '../service-map/links';
import { buildMap } from '../service-map/map-model';
import { useMapLayout } from '../service-map/use-map-layout';
import '../service-map/service-map.css';
import { firstSignalNode } from './incident-view';

const NO_FRESH: ReadonlySet<string> = new Set();

export function InvolvedMap({ incident }: { incident: IncidentDetailWire }) {
  const router = useRouter();
  const graph = incident.map;
  const first = firstSignalNode(incident);
  const layout = useMapLayout(graph, `incident:${incident.id}`, 0);
  if (graph.edges.length === 0) return <InvolvedEdgeChips incident={incident} />;
  const involved = new Set(incident.nodes);
  const map = buildMap(graph, layout.positions, { matches: involved, path: null, selected: null, fresh: NO_FRESH });
  const nodes = map.nodes.map((n) => (n.id === first ? { ...n, data: { ...n.data, highlighted: true } } : n));
  return (
    <div className="sm-canvas inc-map-canvas" data-testid="involved-map" data-first-signal={first ?? undefined}>
      <ReactFlowProvider>
        <GraphCanvas
          nodes={nodes}
          edges={map.edges}
          fitKey={layout.fitKey}
          onSelectNode={(id) => router.push(mapLink({ focus: id }))}
          onSelectEdge={() => {}}
          onClear={() => {}}
          onMoveNode={() => {}}
          interactive={false}
        />
      </ReactFlowProvider>
    </div>
  );
}

/** The fallback: the involved edges as chips (also what shows when there are no edges at all). */
export function InvolvedEdgeChips({ incident }: { incident: IncidentDetailWire }) {
  const involved = new Set(incident.nodes);
  const name = (id: string) => id.replace(/^[a-z]+:/, '');
  const root = incident.rootCause?.node;
  const edges = incident.edges.filter((e) => involved.has(e.source) || involved.has(e.target));
  if (edges.length === 0) return <p className="muted small">No service-graph edges among the involved services in this window.</p>;
  return (
    <ul className="inc-edges">
      {edges.map((e) => (
        <li key={`${e.source}>${e.target}`}>
          <NodeChip id={e.source} involved={involved.has(e.source)} root={e.source === root} label={name(e.source)} /> →{' '}
          <NodeChip id={e.target} involved={involved.has(e.target)} root={e.target === root} label={name(e.target)} />
        </li>
      ))}
    </ul>
  );
}

function NodeChip({ id, involved, root, label }: { id: string; involved: boolean; root: boolean; label: string }) {
  const cls = `inc-node${involved ? ' involved' : ''}${root ? ' root' : ''}`;
  return id.startsWith('service:') ? (
    <Link className={cls} href={`/services/${encodeURIComponent(label)}`}>
      {label}
    </Link>
  ) : (
    <span className={cls}>{label}</span>
  );
}
