'use client';
// The side panel of a clicked node: its RED numbers and charts, its busiest operations with links
// to their traces (services), or the edges that reach it (databases, brokers, peers), and the
// actions: focus on it, hide it.
import Link from 'next/link';
import type { GraphEdge, GraphNode, ServiceGraph } from '@/lib/domain/service-graph/graph';
import { spanKindName } from '@/lib/domain/model';
import { RedCharts } from '../charts/red-charts';
import { useServiceRed } from './use-service-red';
import { serviceLink, traceLink, tracesLink } from './links';
import { formatMs, formatPercent, formatRate } from '../ui/red-format';
import { HEALTH_COLORS, KIND_LABELS } from './map-model';
import type { GraphWindow } from './use-service-graph';

export function RedFacts({ item }: { item: Pick<GraphNode, 'calls' | 'errors' | 'rate' | 'errorRate' | 'p50Ms' | 'p95Ms' | 'p99Ms'> }) {
  return (
    <dl className="sm-facts">
      <div>
        <dt>Rate</dt>
        <dd>{formatRate(item.rate)}</dd>
      </div>
      <div>
        <dt>Errors</dt>
        <dd className={item.errorRate > 0 ? 'error-text' : undefined}>{formatPercent(item.errorRate)}</dd>
      </div>
      <div>
        <dt>p50</dt>
        <dd>{formatMs(item.p50Ms)}</dd>
      </div>
      <div>
        <dt>p95</dt>
        <dd>{formatMs(item.p95Ms)}</dd>
      </div>
      <div>
        <dt>p99</dt>
        <dd>{formatMs(item.p99Ms)}</dd>
      </div>
      <div>
        <dt>Calls</dt>
        <dd>
          {item.calls.toLocaleString('en-US')}
          {item.errors > 0 && <span className="error-text"> ({item.errors.toLocaleString('en-US')} failed)</span>}
        </dd>
      </div>
    </dl>
  );
}

function EdgeList({ title, edges, graph, onSelectEdge, side }: { title: string; edges: GraphEdge[]; graph: ServiceGraph; onSelectEdge(id: string): void; side: 'source' | 'target' }) {
  if (edges.length === 0) return null;
  const name = (id: string) => graph.nodes.find((n) => n.id === id)?.name ?? id;
  return (
    <>
      <h4>{title}</h4>
      <ul className="sm-edge-list">
        {edges.map((e) => (
          <li key={e.id}>
            <button type="button" className="link-button" onClick={() => onSelectEdge(e.id)}>
              <span className="dot" style={{ background: HEALTH_COLORS[e.health] }} />
              {name(e[side])}
            </button>
            <span className="muted small">
              {formatRate(e.rate)} · {formatPercent(e.errorRate)} · p95 {formatMs(e.p95Ms)}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function NodePanel(props: {
  node: GraphNode;
  graph: ServiceGraph;
  range: GraphWindow;
  environment: string | null;
  focused: boolean;
  onFocus(): void;
  onHide(): void;
  onSelectEdge(id: string): void;
  onClose(): void;
}) {
  const { node, graph, range } = props;
  const isService = node.kind === 'service';
  const red = useServiceRed(isService ? node.name : null, range, props.environment);
  const inbound = graph.edges.filter((e) => e.target === node.id).sort((a, b) => b.rate - a.rate);
  const outbound = graph.edges.filter((e) => e.source === node.id).sort((a, b) => b.rate - a.rate);
  return (
    <aside className="sm-panel" aria-label={`${node.name} details`}>
      <header className="sm-panel-header">
        <div>
          <span className="sm-panel-kind">{KIND_LABELS[node.kind]}</span>
          <h2>
            <span className="dot" style={{ background: HEALTH_COLORS[node.health] }} />
            {node.name}
          </h2>
        </div>
        <button type="button" className="sm-close" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </header>
      <div className="sm-panel-actions">
        <button type="button" onClick={props.onFocus}>
          {props.focused ? 'Unfocus' : 'Focus'}
        </button>
        <button type="button" onClick={props.onHide}>
          Hide
        </button>
        {isService && <Link href={serviceLink(node.name)}>Service page</Link>}
        {isService && <Link href={tracesLink({ service: node.name, window: range })}>Traces</Link>}
        {isService && node.errors > 0 && <Link href={tracesLink({ service: node.name, errorsOnly: true, window: range })}>Failing traces</Link>}
      </div>
      <p className="muted small">
        {isService && node.reportsSpans
          ? 'Requests and messages it handled (its SERVER, CONSUMER and root spans).'
          : 'Calls it received, as seen by its callers.'}
      </p>
      <RedFacts item={node} />
      {isService && red.data && <RedCharts series={red.data.series} height={90} compact />}
      {isService && red.isError && <p className="error-text small">{String(red.error)}</p>}
      {isService && red.data && red.data.operations.length > 0 && (
        <>
          <h4>Top operations</h4>
          <table className="sm-ops">
            <thead>
              <tr>
                <th>Operation</th>
                <th className="num">Rate</th>
                <th className="num">Err</th>
                <th className="num">p95</th>
                <th aria-label="Traces" />
              </tr>
            </thead>
            <tbody>
              {red.data.operations.slice(0, 8).map((op) => (
                <tr key={`${op.operation}\u0000${op.spanKind}`}>
                  <td title={`${op.operation} (${spanKindName(op.spanKind)})`}>
                    <Link href={tracesLink({ service: node.name, operation: op.operation, window: range })}>{op.operation}</Link>
                  </td>
                  <td className="num">{formatRate(op.rate)}</td>
                  <td className={op.errorRate > 0 ? 'num error-text' : 'num'}>{formatPercent(op.errorRate)}</td>
                  <td className="num">{formatMs(op.p95Ms)}</td>
                  <td className="sm-exemplars">
                    {op.slowTraceId && (
                      <Link href={traceLink(op.slowTraceId)} title="The slowest call's trace">
                        slow
                      </Link>
                    )}
                    {op.errorTraceId && (
                      <Link href={traceLink(op.errorTraceId)} title="The latest failing call's trace" className="error-text">
                        failed
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <EdgeList title="Called by" edges={inbound} graph={graph} onSelectEdge={props.onSelectEdge} side="source" />
      <EdgeList title="Calls" edges={outbound} graph={graph} onSelectEdge={props.onSelectEdge} side="target" />
    </aside>
  );
}
