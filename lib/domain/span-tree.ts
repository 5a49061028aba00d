// A trace's spans as the tree a trace view walks, over span indexes rather than objects (see
// trace-model.ts), like Jaeger UI's transform-trace-data: parents linked by id, children ordered by
// start time, a flat pre-order sequence with depths and subtree extents for collapsing.
//
// - Spans whose parent is missing (not arrived, dropped, sampled away) hang under one placeholder
//   node per missing parent id, after the real roots: visible, and marked.
// - A child that starts before its parent or ends after it (clock skew between hosts) is flagged,
//   never moved or hidden.
// - A parent cycle in corrupt data cannot hang the walk: its spans become extra roots.
// Iterative throughout, so a 10,000-deep chain is fine. Pure.

export interface TreeInput {
  readonly spanCount: number;
  readonly spanIds: readonly string[];
  /** '' for a root span. */
  readonly parentIds: readonly string[];
  readonly start: ArrayLike<number>;
  readonly end: ArrayLike<number>;
  /** Span index by id, when the caller has one (the first span of each id): saves building it. */
  readonly indexOf?: ReadonlyMap<string, number>;
}

export interface SpanTree {
  /** Nodes 0 … spanCount−1 are the spans; spanCount … nodeCount−1 are missing-parent placeholders. */
  spanCount: number;
  nodeCount: number;
  /** The missing span id each placeholder stands for (node spanCount + i). */
  placeholderIds: string[];
  /** Node → parent node, −1 for a root. */
  parent: Int32Array;
  depth: Int32Array;
  maxDepth: number;
  /** Node start/end (a placeholder spans its children). */
  start: Float64Array;
  end: Float64Array;
  /** Children of node n are children[childStart[n] … childStart[n+1]), by start time. */
  childStart: Int32Array;
  children: Int32Array;
  /** Pre-order sequence of all nodes. */
  order: Int32Array;
  /** Node → its index in `order`. */
  position: Int32Array;
  /** Node → index in `order` one past its last descendant. */
  subtreeEnd: Int32Array;
  /** Roots in display order: true roots by start, then placeholders by start. */
  roots: number[];
  /** The span's parent did not arrive (it hangs under a placeholder). */
  orphan: Uint8Array;
  /** The span starts before its parent or ends after it. */
  skew: Uint8Array;
  orphanCount: number;
  skewCount: number;
}

export function isPlaceholder(tree: SpanTree, node: number): boolean {
  return node >= tree.spanCount;
}

export function childCount(tree: SpanTree, node: number): number {
  return tree.childStart[node + 1]! - tree.childStart[node]!;
}

export function buildSpanTree(input: TreeInput): SpanTree {
  const n = input.spanCount;
  let byId = input.indexOf;
  if (!byId) {
    const built = new Map<string, number>();
    for (let i = 0; i < n; i++) if (!built.has(input.spanIds[i]!)) built.set(input.spanIds[i]!, i);
    byId = built;
  }

  // Link parents; a missing parent id gets one placeholder node.
  const placeholderIds: string[] = [];
  const placeholderOf = new Map<string, number>();
  const parentOf: number[] = new Array(n);
  const orphanList: number[] = [];
  for (let i = 0; i < n; i++) {
    const parentId = input.parentIds[i]!;
    if (parentId === '' || parentId === input.spanIds[i]) {
      parentOf[i] = -1;
      continue;
    }
    const p = byId.get(parentId);
    if (p !== undefined) {
      parentOf[i] = p;
      continue;
    }
    let holder = placeholderOf.get(parentId);
    if (holder === undefined) {
      holder = n + placeholderIds.length;
      placeholderOf.set(parentId, holder);
      placeholderIds.push(parentId);
    }
    parentOf[i] = holder;
    orphanList.push(i);
  }
  const nodeCount = n + placeholderIds.length;
  const parent = new Int32Array(nodeCount).fill(-1);
  const start = new Float64Array(nodeCount).fill(Infinity);
  const end = new Float64Array(nodeCount).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    parent[i] = parentOf[i]!;
    start[i] = input.start[i]!;
    end[i] = input.end[i]!;
  }
  for (const i of orphanList) {
    const holder = parent[i]!;
    if (start[i]! < start[holder]!) start[holder] = start[i]!;
    if (end[i]! > end[holder]!) end[holder] = end[i]!;
  }

  const byStart = (a: number, b: number) => {
    const d = start[a]! - start[b]!;
    if (d !== 0) return d;
    const ia = a < n ? input.spanIds[a]! : placeholderIds[a - n]!;
    const ib = b < n ? input.spanIds[b]! : placeholderIds[b - n]!;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };

  // Break parent cycles: walk up from every span; a span reached again on its own walk is cut loose.
  const state = new Uint8Array(nodeCount); // 0 unknown, 1 on the current walk, 2 known to reach a root
  for (let i = 0; i < n; i++) {
    const path: number[] = [];
    let node = i;
    while (node >= 0 && state[node] === 0) {
      state[node] = 1;
      path.push(node);
      node = parent[node]!;
    }
    if (node >= 0 && state[node] === 1) parent[node] = -1; // the walk closed a loop at `node`
    for (const visited of path) state[visited] = 2;
  }

  // Children lists (CSR), sorted by start.
  const childStart = new Int32Array(nodeCount + 1);
  for (let i = 0; i < nodeCount; i++) if (parent[i]! >= 0) childStart[parent[i]! + 1]!++;
  for (let i = 0; i < nodeCount; i++) childStart[i + 1]! += childStart[i]!;
  const children = new Int32Array(childStart[nodeCount]!);
  const fill = childStart.slice(0, nodeCount);
  for (let i = 0; i < nodeCount; i++) if (parent[i]! >= 0) children[fill[parent[i]!]!++] = i;
  for (let p = 0; p < nodeCount; p++) {
    const from = childStart[p]!;
    const to = childStart[p + 1]!;
    if (to - from > 1) children.subarray(from, to).sort(byStart);
  }

  const realRoots: number[] = [];
  const holderRoots: number[] = [];
  for (let i = 0; i < nodeCount; i++) if (parent[i] === -1) (i < n ? realRoots : holderRoots).push(i);
  realRoots.sort(byStart);
  holderRoots.sort(byStart);
  const roots = [...realRoots, ...holderRoots];

  // Pre-order walk with an explicit stack.
  const order = new Int32Array(nodeCount);
  const position = new Int32Array(nodeCount);
  const subtreeEnd = new Int32Array(nodeCount);
  const depth = new Int32Array(nodeCount);
  let maxDepth = 0;
  let next = 0;
  const stack: number[] = [];
  for (let r = roots.length - 1; r >= 0; r--) stack.push(roots[r]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node < 0) {
      subtreeEnd[~node] = next;
      continue;
    }
    const d = parent[node]! >= 0 ? depth[parent[node]!]! + 1 : 0;
    depth[node] = d;
    if (d > maxDepth) maxDepth = d;
    position[node] = next;
    order[next++] = node;
    stack.push(~node);
    for (let c = childStart[node + 1]! - 1; c >= childStart[node]!; c--) stack.push(children[c]!);
  }

  const orphan = new Uint8Array(n);
  const skew = new Uint8Array(n);
  let skewCount = 0;
  for (const i of orphanList) if (parent[i]! >= n) orphan[i] = 1;
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p >= 0 && p < n && (start[i]! < start[p]! || end[i]! > end[p]!)) {
      skew[i] = 1;
      skewCount++;
    }
  }
  return {
    spanCount: n,
    nodeCount,
    placeholderIds,
    parent,
    depth,
    maxDepth,
    start,
    end,
    childStart,
    children,
    order,
    position,
    subtreeEnd,
    roots,
    orphan,
    skew,
    orphanCount: orphanList.length,
    skewCount,
  };
}

/**
 * The rows a waterfall shows: the pre-order sequence without the descendants of collapsed nodes.
 * Skips whole subtrees, so it costs the number of visible rows, not of spans.
 */
export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<number>): Int32Array {
  if (collapsed.size === 0) return tree.order;
  const rows = new Int32Array(tree.nodeCount);
  let count = 0;
  for (let pos = 0; pos < tree.nodeCount; ) {
    const node = tree.order[pos]!;
    rows[count++] = node;
    pos = collapsed.has(node) ? tree.subtreeEnd[node]! : pos + 1;
  }
  return rows.subarray(0, count);
}

/** The node's ancestors, nearest first. */
export function ancestors(tree: SpanTree, node: number): number[] {
  const list: number[] = [];
  for (let p = tree.parent[node]!; p >= 0; p = tree.parent[p]!) list.push(p);
  return list;
}

/** Every node with children: "collapse all". */
export function parentsOf(tree: SpanTree): Set<number> {
  const set = new Set<number>();
  for (let i = 0; i < tree.nodeCount; i++) if (childCount(tree, i) > 0) set.add(i);
  return set;
}

/** Nodes deeper than `depth` that have children collapsed: a big trace opens readable. */
export function collapseBelowDepth(tree: SpanTree, depth: number): Set<number> {
  const set = new Set<number>();
  for (let i = 0; i < tree.nodeCount; i++) if (tree.depth[i]! >= depth && childCount(tree, i) > 0) set.add(i);
  return set;
}
