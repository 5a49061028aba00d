'use client';
// Keeps the map's node positions. A new view (focus, filters, environment), the Re-layout button,
// or data mostly new to the screen gets a fresh ELK layout and a refit; otherwise new data for the
// same view (live updates, the time slider) only places what is new, at once, around what is
// already on screen (placeNewNodes), so nothing jumps. Dragged nodes stay where they were dropped.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ServiceGraph } from '@/lib/domain/service-graph/graph';
import { elkLayout, placeNewNodes, type Positions } from './layout';

/** How long a node that appeared live is drawn as new. */
const FRESH_MS = 4_000;

export function useMapLayout(graph: ServiceGraph | undefined, viewKey: string, relayoutCount: number) {
  const [positions, setPositions] = useState<Positions>(new Map());
  const [fitKey, setFitKey] = useState(0);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const current = useRef(positions);
  current.current = positions;
  const laidOutFor = useRef<{ viewKey: string; relayoutCount: number } | null>(null);
  const run = useRef(0);
  const fullInFlight = useRef(false);

  const shapeKey = graph
    ? `${graph.nodes.map((n) => n.id).join('|')}#${graph.edges.map((e) => `${e.source}>${e.target}`).join('|')}`
    : '';

  useEffect(() => {
    if (!graph) return;
    const ticket = ++run.current;
    const ids = graph.nodes.map((n) => n.id);
    const previous = current.current;
    const known = ids.filter((id) => previous.has(id)).length;
    const full =
      // A fresh layout still being computed is for data older than this: compute it again.
      fullInFlight.current ||
      laidOutFor.current === null ||
      laidOutFor.current.viewKey !== viewKey ||
      laidOutFor.current.relayoutCount !== relayoutCount ||
      known < ids.length / 2;
    laidOutFor.current = { viewKey, relayoutCount };
    if (!full) {
      const added = ids.filter((id) => !previous.has(id));
      setPositions(placeNewNodes(previous, ids, graph.edges));
      if (added.length > 0) {
        setFresh(new Set(added));
        setTimeout(() => setFresh(new Set()), FRESH_MS);
      }
      return;
    }
    fullInFlight.current = true;
    void elkLayout(ids, graph.edges).then((layout) => {
      if (ticket !== run.current) return; // a newer layout is on its way
      fullInFlight.current = false;
      setPositions(layout);
      setFitKey((k) => k + 1);
    });
    // The graph's shape, not its numbers, decides the layout (so not every dependency).
  }, [shapeKey, viewKey, relayoutCount]);

  const moveNode = useCallback((id: string, point: { x: number; y: number }) => {
    setPositions((old) => new Map(old).set(id, point));
  }, []);

  return { positions, fitKey, fresh, moveNode };
}
