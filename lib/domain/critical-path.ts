// The critical path of a trace: the chain of work that determined its end-to-end duration, as
// Jaeger UI computes it (packages/jaeger-ui/src/components/TracePage/CriticalPath): start at the
// end of the root and walk backwards, each time descending into the child that finished last
// before the current point; where no child is running, the time belongs to the span itself, and
// at a span's start the walk returns to its parent at that instant.
//
// As Jaeger does first (sanitizeOverFlowingChildren), children are clipped to their parent's
// interval and children entirely outside it are left out, so clock skew cannot send the path
// outside the root. One difference: a child ending exactly when the walk's point is counts as
// "before" it (Jaeger asks for strictly before), so back-to-back calls chain. Iterative. Pure.
import type { SpanTree } from './span-tree';

export interface CriticalSection {
  node: number;
  /** ns, same origin as the tree's start/end. */
  start: number;
  end: number;
}

export interface CriticalPath {
  /** In the order the walk found them: from the end of the trace back to its start. */
  sections: CriticalSection[];
  /** Node → 1 when any part of it is on the path. */
  onPath: Uint8Array;
  /** Total ns on the path per node (self time on the path). */
  timeOnPath: Float64Array;
}

export function computeCriticalPath(tree: SpanTree, root: number | undefined = tree.roots[0]): CriticalPath {
  const onPath = new Uint8Array(tree.nodeCount);
  const timeOnPath = new Float64Array(tree.nodeCount);
  const sections: CriticalSection[] = [];
  if (root === undefined) return { sections, onPath, timeOnPath };

  // Clip every node of the root's subtree to its parent (top-down over the pre-order sequence).
  const clippedStart = new Float64Array(tree.nodeCount);
  const clippedEnd = new Float64Array(tree.nodeCount);
  const included = new Uint8Array(tree.nodeCount);
  const from = tree.position[root]!;
  const to = tree.subtreeEnd[root]!;
  included[root] = 1;
  clippedStart[root] = tree.start[root]!;
  clippedEnd[root] = tree.end[root]!;
  for (let pos = from + 1; pos < to; pos++) {
    const node = tree.order[pos]!;
    const p = tree.parent[node]!;
    if (!included[p]) continue;
    const s = Math.max(tree.start[node]!, clippedStart[p]!);
    const e = Math.min(tree.end[node]!, clippedEnd[p]!);
    if (tree.start[node]! >= clippedEnd[p]! || tree.end[node]! <= clippedStart[p]! || e < s) continue;
    included[node] = 1;
    clippedStart[node] = s;
    clippedEnd[node] = e;
  }

  // The included children of each node sorted by (end, start) ascending, ties in reverse child
  // order, built when the walk first reaches the node; and a cursor per node into that order. The
  // walk only moves backwards in time, so each node is asked with a `before` that never grows and a
  // child that fails the test once fails it for good: the cursor only moves left, and the walk costs
  // O(n log n) in all, not O(children) per step (quadratic for a wide fan-out).
  const sortedChildren: Array<Int32Array | undefined> = [];
  const cursor = new Int32Array(tree.nodeCount);
  const childrenByEnd = (node: number): Int32Array => {
    let sorted = sortedChildren[node];
    if (sorted) return sorted;
    const list: number[] = [];
    for (let c = tree.childStart[node]!; c < tree.childStart[node + 1]!; c++) {
      if (included[tree.children[c]!]) list.push(c);
    }
    list.sort((a, b) => {
      const x = tree.children[a]!;
      const y = tree.children[b]!;
      return clippedEnd[x]! - clippedEnd[y]! || clippedStart[x]! - clippedStart[y]! || b - a;
    });
    sorted = Int32Array.from(list, (c) => tree.children[c]!);
    sortedChildren[node] = sorted;
    cursor[node] = sorted.length - 1;
    return sorted;
  };

  /**
   * The included child of `node` that ends last, at or before `before` when given (a zero-length
   * child exactly at `before` excluded); ties go to the later start, then the first child.
   */
  const lastFinishingChild = (node: number, before: number | undefined): number => {
    const sorted = childrenByEnd(node);
    let i = cursor[node]!;
    if (before !== undefined) {
      while (i >= 0) {
        const child = sorted[i]!;
        const e = clippedEnd[child]!;
        if (e < before || (e === before && clippedStart[child]! !== before)) break;
        i--;
      }
      cursor[node] = i;
    }
    return i >= 0 ? sorted[i]! : -1;
  };

  const push = (node: number, start: number, end: number) => {
    onPath[node] = 1;
    if (end > start) {
      sections.push({ node, start, end });
      timeOnPath[node]! += end - start;
    }
  };

  let node = root;
  let returning: number | undefined;
  // Every step either descends (ends strictly earlier or into a new subtree) or climbs; the bound
  // guards against pathological equal-time data looping.
  for (let guard = 0; guard < tree.nodeCount * 4 + 8; guard++) {
    const sectionEnd = returning ?? clippedEnd[node]!;
    const child = lastFinishingChild(node, returning);
    if (child >= 0) {
      push(node, clippedEnd[child]!, sectionEnd);
      node = child;
      returning = undefined;
      continue;
    }
    push(node, clippedStart[node]!, sectionEnd);
    if (node === root) break;
    returning = clippedStart[node]!;
    node = tree.parent[node]!;
  }
  return { sections, onPath, timeOnPath };
}
