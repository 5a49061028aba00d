'use client';
// The side panel of a clicked edge: its numbers and RED over the window, and example failing and
// slow traces (the rollups' exemplars) to open or to light up on the map.
import Link from 'next/link';
import type { GraphEdge, ServiceGraph } from '@/lib/domain/service-graph/graph';
import type { Exemplar } from '@/lib/contracts/service-graph-api';
import type { BreakerWire } from '@/lib/contracts/health-api';
import { BreakerTile } from '../breakers/breakers-client';
import '../breakers/breakers.css';
import { RedCharts } from '../charts/red-charts';
import { traceLink, tracesLink } from './links';
import { formatMs } from '../ui/red-format';
import { HEALTH_COLORS } from './map-model';
import { RedFacts } from './node-panel';
import { useEdgeDetail } from './use-map-details';
import type { GraphWindow } from './use-service-graph';

const CONNECTION_LABELS: Record<GraphEdge['connectionType'], string> = {
  request: 'Request (client → server)',
  messaging: 'Messaging (through a broker)',
  database: 'Database call',
  virtual: 'Call to an uninstrumented peer',
};

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function ExemplarList({ title, items, onHighlight, tone }: { title: string; items: Exemplar[]; onHighlight(id: string): void; tone?: 'error' }) {
  return (
    <>
      <h4>{title}</h4>
      {items.length === 0 ? (
        <p className="muted small">None in this window.</p>
      ) : (
        <ul className="sm-exemplar-list">
          {items.map((item) => (
            <li key={`${item.traceId}-${item.timeMs}`}>
              <Link href={traceLink(item.traceId)} className={tone === 'error' ? 'mono error-text' : 'mono'}>
                {item.traceId.slice(0, 16)}…
              </Link>
              <span className="muted small">
                {clock(item.timeMs)}
                {item.latencyMs !== undefined && ` · ${formatMs(item.latencyMs)}`}
              </span>
              <button type="button" className="link-button small" onClick={() => onHighlight(item.traceId)}>
                show path
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function EdgePanel(props: {
  edge: GraphEdge;
  graph: ServiceGraph;
  range: GraphWindow;
  environment: string | null;
  onHighlightTrace(id: string): void;
  onSelectNode(id: string): void;
  onClose(): void;
  /** The circuit breaker guarding this call, when there is one that is not closed. */
  breaker?: BreakerWire;
}) {
  const { edge, graph, range } = props;
  const detail = useEdgeDetail(edge, range, props.environment);
  const node = (id: string) => graph.nodes.find((n) => n.id === id);
  const source = node(edge.source);
  const target = node(edge.target);
  const caller = source?.kind === 'service' ? source.name : target?.kind === 'service' ? target.name : null;
  return (
    <aside className="sm-panel" aria-label="Edge details">
      <header className="sm-panel-header">
        <div>
          <span className="sm-panel-kind">{CONNECTION_LABELS[edge.connectionType]}</span>
          <h2>
            <span className="dot" style={{ background: HEALTH_COLORS[edge.health] }} />
            <button type="button" className="link-button" onClick={() => props.onSelectNode(edge.source)}>
              {source?.name ?? edge.source}
            </button>
            <span className="muted"> → </span>
            <button type="button" className="link-button" onClick={() => props.onSelectNode(edge.target)}>
              {target?.name ?? edge.target}
            </button>
          </h2>
        </div>
        <button type="button" className="sm-close" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </header>
      {caller && (
        <div className="sm-panel-actions">
          <Link href={tracesLink({ service: caller, window: range })}>Traces of {caller}</Link>
          {edge.errors > 0 && <Link href={tracesLink({ service: caller, errorsOnly: true, window: range })}>Failing traces</Link>}
        </div>
      )}
      {props.breaker && (
        <div className="sm-panel-breaker">
          <BreakerTile breaker={props.breaker} now={Date.now()} windowMs={15 * 60_000} />
        </div>
      )}
      <RedFacts item={edge} />
      {detail.data && <RedCharts series={detail.data.series} height={90} compact />}
      {detail.isError && <p className="error-text small">{String(detail.error)}</p>}
      {detail.data && (
        <>
          <ExemplarList title="Example failing traces" items={detail.data.errorTraces} onHighlight={props.onHighlightTrace} tone="error" />
          <ExemplarList title="Example slow traces" items={detail.data.slowTraces} onHighlight={props.onHighlightTrace} />
        </>
      )}
    </aside>
  );
}
