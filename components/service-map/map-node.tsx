'use client';
// One node on the map, drawn by kind: services as solid cards, databases and caches with a
// cylinder, topics and queues as pills, external peers dashed, users round. The border and the
// status dot carry the health colour; the second line the node's rate, errors and p95.
import { memo } from 'react';
import { Handle, Position, type NodeProps } from 'reactflow';
import type { NodeKind } from '@/lib/domain/service-graph/types';
import { formatMs, formatPercent, formatRate } from '../ui/red-format';
import { STATUS_COLOR, lagBadgeText, lagBadgeTitle } from '../lag/lag-view';
import { KIND_LABELS, displayName, type MapNodeData } from './map-model';

function KindIcon({ kind }: { kind: NodeKind }) {
  const common = { width: 18, height: 18, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.8, 'aria-hidden': true };
  switch (kind) {
    case 'database':
      return (
        <svg {...common}>
          <ellipse cx="12" cy="5.5" rx="7" ry="2.8" />
          <path d="M5 5.5v13c0 1.5 3.1 2.8 7 2.8s7-1.3 7-2.8v-13M5 12c0 1.5 3.1 2.8 7 2.8s7-1.3 7-2.8" />
        </svg>
      );
    case 'cache':
      return (
        <svg {...common}>
          <path d="M13 2 4 14h7l-1 8 9-12h-7z" />
        </svg>
      );
    case 'messaging':
      return (
        <svg {...common}>
          <rect x="3" y="5" width="4" height="14" rx="1" />
          <rect x="10" y="5" width="4" height="14" rx="1" />
          <rect x="17" y="5" width="4" height="14" rx="1" />
        </svg>
      );
    case 'external':
      return (
        <svg {...common}>
          <circle cx="12" cy="12" r="9" />
          <path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z" />
        </svg>
      );
    case 'user':
      return (
        <svg {...common}>
          <circle cx="12" cy="8" r="4" />
          <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" />
        </svg>
      );
    default:
      return (
        <svg {...common}>
          <path d="M12 2.5 20.5 7.3v9.4L12 21.5l-8.5-4.8V7.3z" />
          <path d="M12 12v9.5M12 12l8.5-4.7M12 12 3.5 7.3" />
        </svg>
      );
  }
}

function MapNodeView({ data, selected }: NodeProps<MapNodeData>) {
  const { node, color, dimmed, highlighted, fresh } = data;
  const classes = ['sm-node', `kind-${node.kind}`, `health-${node.health}`];
  if (dimmed) classes.push('is-dimmed');
  if (highlighted) classes.push('is-highlighted');
  if (selected) classes.push('is-selected');
  if (fresh) classes.push('is-fresh');
  const { title, system } = displayName(node);
  const latency = [system, node.p95Ms !== null ? `p95 ${formatMs(node.p95Ms)}` : null].filter(Boolean).join(' · ');
  return (
    <div className={classes.join(' ')} style={{ borderColor: color }} data-testid={`map-node-${node.id}`} title={`${KIND_LABELS[node.kind]}: ${node.name}`}>
      <Handle type="target" position={Position.Left} className="sm-handle" isConnectable={false} />
      <span className="sm-node-icon" style={{ color }}>
        <KindIcon kind={node.kind} />
      </span>
      <span className="sm-node-text">
        <span className="sm-node-name">{title}</span>
        <span className="sm-node-stats">
          {node.calls > 0 ? formatRate(node.rate) : 'idle'}
          {node.errorRate > 0 && <span className="sm-node-errors"> · {formatPercent(node.errorRate)} err</span>}
        </span>
        {latency && <span className="sm-node-stats">{latency}</span>}
        {data.lag && (
          <span
            className="sm-node-lag"
            style={{ background: STATUS_COLOR[data.lag.status] }}
            data-testid={`map-node-lag-${node.id}`}
            title={lagBadgeTitle(data.lag)}
          >
            {lagBadgeText(data.lag)}
          </span>
        )}
      </span>
      <Handle type="source" position={Position.Right} className="sm-handle" isConnectable={false} />
    </div>
  );
}

export const MapNode = memo(MapNodeView);
