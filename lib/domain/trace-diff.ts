// Structural and duration diff of two traces of the same operation, on their call-path folds
// (span-paths.ts): a path only in B was added, only in A removed; a path in both is slower or
// faster when its mean span duration moved by at least `minRatio` and `minDeltaNs`, and its count
// may have changed (a retry loop that ran 3 times instead of once). Rows come out in pre-order of
// the merged tree, A's order first. Pure.
import type { PathNode, PathTree } from './span-paths';

export type DiffChange = 'added' | 'removed' | 'slower' | 'faster' | 'same';

export interface DiffSide {
  count: number;
  errorCount: number;
  totalNs: number;
  meanNs: number;
}

export interface DiffRow {
  key: string;
  depth: number;
  service: string;
  operation: string;
  a: DiffSide | undefined;
  b: DiffSide | undefined;
  change: DiffChange;
  /** b.meanNs − a.meanNs (0 when a side is missing). */
  deltaNs: number;
  countChanged: boolean;
}

export interface TraceDiff {
  rows: DiffRow[];
  counts: Record<DiffChange, number>;
}

export interface DiffOptions {
  /** Relative change of the mean that counts (0.1 = 10 %). */
  minRatio?: number;
  /** Absolute change of the mean that counts, ns. */
  minDeltaNs?: number;
}

function side(node: PathNode | undefined): DiffSide | undefined {
  return node && { count: node.count, errorCount: node.errorCount, totalNs: node.totalNs, meanNs: node.totalNs / node.count };
}

export function diffTraces(a: PathTree, b: PathTree, options: DiffOptions = {}): TraceDiff {
  const minRatio = options.minRatio ?? 0.1;
  const minDeltaNs = options.minDeltaNs ?? 100_000;
  const bByKey = new Map(b.nodes.map((node) => [node.key, node]));
  const aByKey = new Map(a.nodes.map((node) => [node.key, node]));
  const rows: DiffRow[] = [];
  const counts: Record<DiffChange, number> = { added: 0, removed: 0, slower: 0, faster: 0, same: 0 };

  const emit = (key: string, depth: number) => {
    const na = aByKey.get(key);
    const nb = bByKey.get(key);
    const sa = side(na);
    const sb = side(nb);
    const label = (na ?? nb)!;
    let change: DiffChange = 'same';
    let deltaNs = 0;
    if (!sa) change = 'added';
    else if (!sb) change = 'removed';
    else {
      deltaNs = sb.meanNs - sa.meanNs;
      const base = Math.max(sa.meanNs, 1);
      if (Math.abs(deltaNs) >= minDeltaNs && Math.abs(deltaNs) / base >= minRatio) change = deltaNs > 0 ? 'slower' : 'faster';
    }
    counts[change]++;
    rows.push({ key, depth, service: label.service, operation: label.operation, a: sa, b: sb, change, deltaNs, countChanged: !!sa && !!sb && sa.count !== sb.count });
    // Children: A's in order, then those only B has.
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const child of na?.children ?? []) {
      keys.push(a.nodes[child]!.key);
      seen.add(a.nodes[child]!.key);
    }
    for (const child of nb?.children ?? []) if (!seen.has(b.nodes[child]!.key)) keys.push(b.nodes[child]!.key);
    return keys;
  };

  // Iterative pre-order over the merged tree.
  const rootKeys: string[] = a.roots.map((r) => a.nodes[r]!.key);
  const rootSeen = new Set(rootKeys);
  for (const r of b.roots) if (!rootSeen.has(b.nodes[r]!.key)) rootKeys.push(b.nodes[r]!.key);
  const stack: [string, number][] = rootKeys.reverse().map((key) => [key, 0]);
  while (stack.length > 0) {
    const [key, depth] = stack.pop()!;
    const childKeys = emit(key, depth);
    for (let i = childKeys.length - 1; i >= 0; i--) stack.push([childKeys[i]!, depth + 1]);
  }
  return { rows, counts };
}
