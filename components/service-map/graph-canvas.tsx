'use client';
// The React Flow canvas: draws the nodes and edges map-model.ts computed, reports clicks and drags
// (a dragged node keeps its place through live updates), and fits the view after a fresh layout.
import { useEffect, useMemo, useRef } from 'react';
import ReactFlow, { Background, Controls, MarkerType, MiniMap, useReactFlow, type Edge, type Node, type NodeChange } from 'reactflow';
import 'reactflow/dist/style.css';
import { MapEdge, SelectEdgeContext } from './map-edge';
import type { MapEdgeData, MapNodeData } from './map-model';
import { MapNode } from './map-node';

const nodeTypes = { meshlight: MapNode };
const edgeTypes = { meshlight: MapEdge };

export interface GraphCanvasProps {
  nodes: Node<MapNodeData>[];
  edges: Edge<MapEdgeData>[];
  /** Changes whenever a fresh layout was made: the view is fitted again. */
  fitKey: number;
  onSelectNode(id: string): void;
  onSelectEdge(id: string): void;
  onClear(): void;
  onMoveNode(id: string, position: { x: number; y: number }): void;
  interactive?: boolean;
  showMiniMap?: boolean;
}

export function GraphCanvas(props: GraphCanvasProps) {
  const flow = useReactFlow();
  // Whether the user panned or zoomed since the last fit: then the view is theirs and stays.
  const userMoved = useRef(false);
  useEffect(() => {
    if (props.nodes.length === 0) return;
    userMoved.current = false;
    // After React Flow has measured the new nodes.
    const timer = setTimeout(() => flow.fitView({ padding: 0.15, duration: 200, maxZoom: 1.2 }), 30);
    return () => clearTimeout(timer);
    // Only a fresh layout refits; live additions must not move the viewport (so not every dependency).
  }, [props.fitKey]);

  // A side panel opening (or the window resizing) changes the canvas' size: fit the graph to the
  // new size, unless the user has placed the view themselves.
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let width = element.clientWidth;
    const observer = new ResizeObserver(() => {
      if (Math.abs(element.clientWidth - width) < 24) return;
      width = element.clientWidth;
      clearTimeout(timer);
      if (!userMoved.current) timer = setTimeout(() => flow.fitView({ padding: 0.15, duration: 200, maxZoom: 1.2 }), 60);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [flow]);

  const edges = useMemo(
    () =>
      props.edges.map((e) => ({
        ...e,
        // Fixed-size arrowheads: by default they grow with the stroke, and busy edges are thick.
        markerEnd: {
          type: MarkerType.ArrowClosed,
          color: e.data?.highlighted ? '#7cb0ff' : e.data?.color,
          width: 30,
          height: 30,
          markerUnits: 'userSpaceOnUse',
        },
      })),
    [props.edges],
  );

  const onNodesChange = (changes: NodeChange[]) => {
    for (const change of changes) {
      if (change.type === 'position' && change.position) props.onMoveNode(change.id, change.position);
    }
  };

  return (
    <div ref={container} className="sm-flow">
      <SelectEdgeContext.Provider value={props.onSelectEdge}>
      <ReactFlow
        nodes={props.nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeClick={(_, node) => props.onSelectNode(node.id)}
        onEdgeClick={(_, edge) => props.onSelectEdge(edge.id)}
        onPaneClick={props.onClear}
        onMoveStart={(event) => {
          // Programmatic moves (fitView) come without an event.
          if (event) userMoved.current = true;
        }}
        nodesConnectable={false}
        nodesDraggable={props.interactive !== false}
        elementsSelectable={props.interactive !== false}
        minZoom={0.1}
        maxZoom={2.5}
        proOptions={{ hideAttribution: true }}
        fitView
      >
        <Background color="#232833" gap={24} />
        {props.interactive !== false && <Controls showInteractive={false} />}
        {props.showMiniMap && (
          <MiniMap
            pannable
            zoomable
            nodeColor={(n) => (n.data as MapNodeData).color}
            maskColor="rgba(14, 16, 20, 0.7)"
            style={{ background: '#161920' }}
          />
        )}
      </ReactFlow>
      </SelectEdgeContext.Provider>
    </div>
  );
}
