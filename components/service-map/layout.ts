// Where the map's nodes go. A layered left-to-right layout from ELK (callers upstream, databases
// and brokers downstream) for a new view, and, so that the map does not jump when live updates add
// nodes, placement of just the new ones: nodes on screen keep their place, and a new node goes one
// layer right of a caller already placed (or left of a callee), moved down until it overlaps
// nothing. The placement is immediate — no ELK run — so a new service shows up at once.
export interface Point {
  x: number;
  y: number;
}
export type Positions = Map<string, Point>;

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 70;
const GAP_X = 40;
const GAP_Y = 24;
/** Horizontal distance between layers, as ELK is told below. */
const LAYER_GAP = 150;

interface LayoutEdge {
  source: string;
  target: string;
}

const ELK_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
  'elk.spacing.nodeNode': '40',
  // Unconnected parts (a lone job, Meshlight's own spans) are packed below the main graph.
  'elk.aspectRatio': '1.2',
  'elk.spacing.componentComponent': '60',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  // Same input, same picture: follow the input order where the algorithm has a free choice.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.separateConnectedComponents': 'true',
};

type ElkInstance = { layout(graph: unknown): Promise<{ children?: Array<{ id: string; x?: number; y?: number }> }> };
let elk: Promise<ElkInstance> | undefined;

/** ELK is large; it is loaded the first time a layout is needed. */
function loadElk(): Promise<ElkInstance> {
  elk ??= import('elkjs/lib/elk.bundled.js').then((module) => {
    const Elk = (module as unknown as { default: new () => ElkInstance }).default;
    return new Elk();
  });
  return elk;
}

/** A fresh layered layout of the whole graph (top-left corners). */
export async function elkLayout(nodeIds: readonly string[], edges: readonly LayoutEdge[]): Promise<Positions> {
  const known = new Set(nodeIds);
  const instance = await loadElk();
  const result = await instance.layout({
    id: 'root',
    layoutOptions: ELK_OPTIONS,
    children: nodeIds.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: edges
      .filter((e) => known.has(e.source) && known.has(e.target) && e.source !== e.target)
      .map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [e.target] })),
  });
  return new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}

function overlaps(a: Point, b: Point): boolean {
  return Math.abs(a.x - b.x) < NODE_WIDTH + GAP_X && Math.abs(a.y - b.y) < NODE_HEIGHT + GAP_Y;
}

/**
 * Keeps the nodes of `previous` that are still among `nodeIds` where they were and places the
 * others: next to a placed neighbour (one layer right of a caller, one layer left of a callee),
 * neighbours of neighbours in turn, and nodes connected to nothing placed in a new column right of
 * the graph; each then moved off any node it would cover.
 */
export function placeNewNodes(previous: Positions, nodeIds: readonly string[], edges: readonly LayoutEdge[]): Positions {
  const result: Positions = new Map();
  for (const id of nodeIds) {
    const kept = previous.get(id);
    if (kept) result.set(id, kept);
  }
  const pending = nodeIds.filter((id) => !result.has(id));
  const step = NODE_WIDTH + LAYER_GAP;
  while (pending.length > 0) {
    let placed = false;
    for (let i = 0; i < pending.length; i++) {
      const id = pending[i]!;
      const caller = edges.find((e) => e.target === id && result.has(e.source));
      const callee = caller ? undefined : edges.find((e) => e.source === id && result.has(e.target));
      if (!caller && !callee) continue;
      const anchor = result.get(caller ? caller.source : callee!.target)!;
      result.set(id, freeSpot({ x: anchor.x + (caller ? step : -step), y: anchor.y }, result));
      pending.splice(i--, 1);
      placed = true;
    }
    if (placed) continue;
    // Nothing placed is connected to what is left: start a new column right of the graph.
    const id = pending.shift()!;
    const points = [...result.values()];
    const base = points.length === 0 ? { x: 0, y: 0 } : { x: Math.max(...points.map((p) => p.x)) + step, y: Math.min(...points.map((p) => p.y)) };
    result.set(id, freeSpot(base, result));
  }
  return result;
}

/** The nearest free spot below or above `base`, in steps of one row (below first). */
function freeSpot(base: Point, placed: Positions): Point {
  const taken = [...placed.values()];
  for (let step = 0; step < 200; step++) {
    const offset = Math.ceil(step / 2) * (NODE_HEIGHT + GAP_Y) * (step % 2 === 1 ? 1 : -1);
    const candidate = { x: base.x, y: base.y + offset };
    if (!taken.some((p) => overlaps(p, candidate))) return candidate;
  }
  return { x: base.x, y: base.y + 200 * (NODE_HEIGHT + GAP_Y) };
}
