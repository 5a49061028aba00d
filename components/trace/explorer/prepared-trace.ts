// Everything the trace views derive from a trace's compact parts, computed once per trace and kept
// in the react-query cache: the model, its tree, the header summary, and a per-node index of the
// critical path. Pure (tested in prepared-trace.test.ts); the hooks only fetch and cache.
import { computeCriticalPath, type CriticalPath } from '@/lib/domain/critical-path';
import { buildSpanTree, type SpanTree } from '@/lib/domain/span-tree';
import { modelFromParts, summarizeModel, type CompactTracePart, type ModelSummary, type TraceModel } from '@/lib/domain/trace-model';

export interface PreparedTrace {
  model: TraceModel;
  tree: SpanTree;
  summary: ModelSummary;
  durationNs: number;
  /** Node index by span id, for deep links and span links. */
  nodeOf: ReadonlyMap<string, number>;
}

export function prepareTrace(parts: readonly CompactTracePart[]): PreparedTrace {
  const model = modelFromParts(parts);
  const tree = buildSpanTree(model);
  const summary = summarizeModel(model, tree.maxDepth, tree.roots[0]);
  // Spans are nodes 0 … spanCount−1, so the model's index by id is the node index too.
  return { model, tree, summary, durationNs: Math.max(summary.durationNs, 1), nodeOf: model.indexOf };
}

/** Critical sections grouped by node, for drawing them on each bar. */
export interface CriticalIndex {
  path: CriticalPath;
  sectionsOf: Map<number, [number, number][]>;
}

export function indexCriticalPath(tree: SpanTree): CriticalIndex {
  const path = computeCriticalPath(tree);
  const sectionsOf = new Map<number, [number, number][]>();
  for (const section of path.sections) {
    let list = sectionsOf.get(section.node);
    if (!list) sectionsOf.set(section.node, (list = []));
    list.push([section.start, section.end]);
  }
  return { path, sectionsOf };
}

/** Rows kept by a search filter: the matches and their ancestors, in tree order. */
export function filterRows(rows: Int32Array, tree: SpanTree, matches: Uint8Array): Int32Array {
  const keep = new Uint8Array(tree.nodeCount);
  for (let i = 0; i < matches.length; i++) {
    if (!matches[i]) continue;
    for (let node = i; node >= 0 && !keep[node]; node = tree.parent[node]!) keep[node] = 1;
  }
  return rows.filter((node) => keep[node] === 1);
}
