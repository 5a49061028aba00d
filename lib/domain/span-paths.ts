// A trace folded by call path: spans with the same chain of (service, operation) from the root
// become one node with a count and summed times. It is the shape both the flame graph and the
// two-trace diff need (a loop of 40 identical DB calls is one node "×40", wherever their ids and
// start times differ). Children keep the order of their first span. Pure.
import { StatusCode } from './model';
import { isPlaceholder, type SpanTree } from './span-tree';
import type { TraceModel } from './trace-model';

export const MISSING_SPAN = '(missing span)';

export interface PathNode {
  /** The node's path: ancestors' and its own `service\u0001operation`, joined by `\u0002`. */
  key: string;
  parent: number;
  depth: number;
  service: string;
  operation: string;
  count: number;
  errorCount: number;
  /** Summed span durations, ns. */
  totalNs: number;
  /** Longest single span, ns. */
  maxNs: number;
  children: number[];
}

export interface PathTree {
  /** Node 0… in pre-order; roots have parent −1. */
  nodes: PathNode[];
  roots: number[];
}

export function pathLabel(model: TraceModel, tree: SpanTree, node: number): { service: string; operation: string } {
  if (isPlaceholder(tree, node)) return { service: '', operation: MISSING_SPAN };
  return { service: model.services[model.service[node]!]!, operation: model.names[model.name[node]!]! };
}

export function foldByPath(model: TraceModel, tree: SpanTree): PathTree {
  const nodes: PathNode[] = [];
  const roots: number[] = [];
  const byKey = new Map<string, number>();
  const pathOf = new Int32Array(tree.nodeCount);
  for (let pos = 0; pos < tree.nodeCount; pos++) {
    const node = tree.order[pos]!;
    const parentNode = tree.parent[node]!;
    const parentPath = parentNode >= 0 ? pathOf[parentNode]! : -1;
    const { service, operation } = pathLabel(model, tree, node);
    const key = `${parentPath >= 0 ? `${nodes[parentPath]!.key}\u0002` : ''}${service}\u0001${operation}`;
    let path = byKey.get(key);
    if (path === undefined) {
      path = nodes.length;
      byKey.set(key, path);
      nodes.push({ key, parent: parentPath, depth: parentPath >= 0 ? nodes[parentPath]!.depth + 1 : 0, service, operation, count: 0, errorCount: 0, totalNs: 0, maxNs: 0, children: [] });
      if (parentPath >= 0) nodes[parentPath]!.children.push(path);
      else roots.push(path);
    }
    pathOf[node] = path;
    const entry = nodes[path]!;
    const duration = tree.end[node]! - tree.start[node]!;
    entry.count++;
    entry.totalNs += duration;
    if (duration > entry.maxNs) entry.maxNs = duration;
    if (node < tree.spanCount && model.status[node] === StatusCode.ERROR) entry.errorCount++;
  }
  // Re-number in pre-order of the folded tree (a path first met deep in one subtree keeps its place).
  const ordered: PathNode[] = [];
  const renumber = new Int32Array(nodes.length);
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const path = stack.pop()!;
    renumber[path] = ordered.length;
    ordered.push(nodes[path]!);
    for (let c = nodes[path]!.children.length - 1; c >= 0; c--) stack.push(nodes[path]!.children[c]!);
  }
  for (const node of ordered) {
    node.parent = node.parent >= 0 ? renumber[node.parent]! : -1;
    node.children = node.children.map((c) => renumber[c]!);
  }
  return { nodes: ordered, roots: roots.map((r) => renumber[r]!) };
}
