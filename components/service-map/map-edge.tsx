'use client';
// One edge on the map: a curve as thick as its rate and coloured by its error rate, dashed when it
// goes through a broker or to a peer inferred from a client span, with its numbers as a label.
import { createContext, memo, useContext } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from 'reactflow';
import { pointOnEdge, type MapEdgeData } from './map-model';

/** Lets a click on an edge's label select the edge, as a click on its line does. */
export const SelectEdgeContext = createContext<(id: string) => void>(() => {});

function MapEdgeView(props: EdgeProps<MapEdgeData>) {
  const selectEdge = useContext(SelectEdgeContext);
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, selected } = props;
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  if (!data) return null;
  const { edge, width, label, dimmed, highlighted, breaker, queueLag } = data;
  // A breaker that is open breaks the line in red; half-open draws it amber.
  const breakerColor = breaker ? (breaker.state === 'half_open' ? '#ffc35c' : '#ff6b6b') : undefined;
  const color = breakerColor ?? data.color;
  const { x: labelX, y: labelY } = pointOnEdge(sourceX, sourceY, targetX, targetY, data.labelAt);
  const dashed = edge.connectionType === 'messaging' || edge.connectionType === 'virtual';
  const dash = breaker && breaker.state !== 'half_open' ? '2 7' : dashed ? '6 4' : undefined;
  const classes = ['sm-edge-label'];
  if (dimmed) classes.push('is-dimmed');
  if (highlighted) classes.push('is-highlighted');
  if (selected) classes.push('is-selected');
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={16}
        style={{
          stroke: highlighted ? '#7cb0ff' : color,
          strokeWidth: highlighted ? Math.max(width, 3) : width,
          strokeDasharray: dash,
          opacity: dimmed ? 0.15 : selected ? 1 : 0.85,
        }}
      />
      <EdgeLabelRenderer>
        <div
          className={classes.join(' ')}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, borderColor: color }}
          data-testid={`map-edge-label-${id}`}
          onClick={() => selectEdge(id)}
        >
          {breaker && (
            <span className="sm-edge-breaker" style={{ color: breakerColor }} data-testid={`map-edge-breaker-${id}`} title={`circuit breaker ${breaker.name}: ${breaker.state.replace('_', '-')}`}>
              {breaker.state === 'half_open' ? '◐' : '⊘'} breaker {breaker.state.replace('_', '-')}
            </span>
          )}
          {label.traffic}
          {label.latency && <span className="sm-edge-p95">{label.latency}</span>}
          {queueLag && <span className="sm-edge-p95" title="how long messages wait in the broker">waits {queueLag}</span>}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const MapEdge = memo(MapEdgeView);
