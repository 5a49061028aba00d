// Where the map's nodes go. A layered left-to-right layout from ELK (callers upstream, databases
// and brokers downstream), and a stabilizer so the map does not jump when live updates add nodes:
// nodes already on screen keep their place, and a new node is put where the fresh layout puts it
// relative to a neighbour that is already placed, moved down until it overlaps nothing.
export interface Point {
  x: number;
  y: number;
}
export type Positions = Map<string, Point>;

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 70;
const GAP_X = 40;
const GAP_Y = 24;

interface LayoutEdge {
  source: string;
  target: string;
}

const ELK_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '150',
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

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Keeps every node of `previous` that is still in `fresh` where it was; places the others from the
 * fresh layout, anchored on an already placed neighbour (or shifted into the previous layout's
 * frame), then nudged off any node they would cover. Nodes gone from `fresh` are dropped.
 */
export function stabilizePositions(previous: Positions, fresh: Positions, edges: readonly LayoutEdge[]): Positions {
  const result: Positions = new Map();
  const dx: number[] = [];
  const dy: number[] = [];
  for (const [id, point] of fresh) {
    const kept = previous.get(id);
    if (!kept) continue;
    result.set(id, kept);
    dx.push(kept.x - point.x);
    dy.push(kept.y - point.y);
  }
  const shift = { x: median(dx), y: median(dy) };
  const neighbours = new Map<string, string[]>();
  for (const e of edges) {
    neighbours.set(e.source, [...(neighbours.get(e.source) ?? []), e.target]);
    neighbours.set(e.target, [...(neighbours.get(e.target) ?? []), e.source]);
  }
  const added = [...fresh.keys()].filter((id) => !result.has(id));
  added.sort((a, b) => fresh.get(a)!.x - fresh.get(b)!.x || fresh.get(a)!.y - fresh.get(b)!.y || (a < b ? -1 : 1));
  for (const id of added) {
    const own = fresh.get(id)!;
    const anchor = (neighbours.get(id) ?? []).find((n) => result.has(n) && fresh.has(n));
    const base = anchor
      ? { x: result.get(anchor)!.x + own.x - fresh.get(anchor)!.x, y: result.get(anchor)!.y + own.y - fresh.get(anchor)!.y }
      : { x: own.x + shift.x, y: own.y + shift.y };
    result.set(id, freeSpot(base, result));
  }
  return result;
}

/** The nearest free spot below or above `base`, in steps of one row. */
function freeSpot(base: Point, placed: Positions): Point {
  const taken = [...placed.values()];
  for (let step = 0; step < 200; step++) {
    const offset = Math.ceil(step / 2) * (NODE_HEIGHT + GAP_Y) * (step % 2 === 1 ? 1 : -1);
    const candidate = { x: base.x, y: base.y + offset };
    if (!taken.some((p) => overlaps(p, candidate))) return candidate;
  }
  return { x: base.x, y: base.y + 200 * (NODE_HEIGHT + GAP_Y) };
}
