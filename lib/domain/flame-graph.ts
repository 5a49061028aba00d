// Flame graph layout of one trace: its call-path fold (span-paths.ts) as stacked rectangles, a
// node as wide as the time its spans took. Children share their parent's width in order; when
// parallel children add up to more than the parent (fan-out), they are scaled to fit, so the graph
// stays a graph of where time went relative to the parent. Self = total − children (≥ 0). Pure.
import type { PathTree } from './span-paths';

export interface FlameRect {
  path: number;
  depth: number;
  /** Fraction of the full width, 0…1. */
  x: number;
  width: number;
  service: string;
  operation: string;
  count: number;
  totalNs: number;
  selfNs: number;
  errorCount: number;
}

export interface FlameLayout {
  rects: FlameRect[];
  maxDepth: number;
  totalNs: number;
}

/** Lays out the subtree of `focus` (a path index) or all roots across the full width. */
export function layoutFlameGraph(paths: PathTree, focus?: number): FlameLayout {
  const rects: FlameRect[] = [];
  const top = focus === undefined ? paths.roots : [focus];
  const totalNs = top.reduce((sum, r) => sum + paths.nodes[r]!.totalNs, 0) || 1;
  const baseDepth = focus === undefined ? 0 : paths.nodes[focus]!.depth;
  let maxDepth = 0;
  const stack: [number, number, number][] = [];
  let x = 0;
  for (const root of top) {
    const width = paths.nodes[root]!.totalNs / totalNs;
    stack.push([root, x, width]);
    x += width;
  }
  stack.reverse();
  while (stack.length > 0) {
    const [path, px, pw] = stack.pop()!;
    const node = paths.nodes[path]!;
    const childTotal = node.children.reduce((sum, c) => sum + paths.nodes[c]!.totalNs, 0);
    const depth = node.depth - baseDepth;
    if (depth > maxDepth) maxDepth = depth;
    rects.push({
      path,
      depth,
      x: px,
      width: pw,
      service: node.service,
      operation: node.operation,
      count: node.count,
      totalNs: node.totalNs,
      selfNs: Math.max(0, node.totalNs - childTotal),
      errorCount: node.errorCount,
    });
    const scale = node.totalNs > 0 ? pw / Math.max(node.totalNs, childTotal) : 0;
    let cx = px;
    const next: [number, number, number][] = [];
    for (const child of node.children) {
      const w = paths.nodes[child]!.totalNs * scale;
      next.push([child, cx, w]);
      cx += w;
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return { rects, maxDepth, totalNs };
}
