// A trace's spans as the flat, pre-order list a trace view renders: children under their parent
// ordered by start time, each with its depth. Spans whose parent is missing (not arrived, dropped,
// or in another trace) become extra roots and are counted as orphans; ids repeated by exporter
// retries are kept once; a parent cycle cannot hang the walk. Iterative, so a 10,000-deep chain
// is fine. Pure, like Jaeger UI's transform-trace-data.
import type { Span } from './model';

export interface SpanTreeRow<S extends Span = Span> {
  span: S;
  depth: number;
  childCount: number;
  /** The span names a parent that is not in the trace. */
  orphan: boolean;
}

export interface SpanTree<S extends Span = Span> {
  rows: SpanTreeRow<S>[];
  orphanCount: number;
  /** Spans dropped because their id repeated an earlier span's. */
  duplicateCount: number;
}

function byStart(a: Span, b: Span): number {
  return a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

export function buildSpanTree<S extends Span>(spans: readonly S[]): SpanTree<S> {
  const byId = new Map<string, S>();
  let duplicateCount = 0;
  for (const span of spans) {
    if (byId.has(span.spanId)) duplicateCount++;
    else byId.set(span.spanId, span);
  }
  const children = new Map<string, S[]>();
  const roots: S[] = [];
  for (const span of byId.values()) {
    if (span.parentSpanId && span.parentSpanId !== span.spanId && byId.has(span.parentSpanId)) {
      let list = children.get(span.parentSpanId);
      if (!list) children.set(span.parentSpanId, (list = []));
      list.push(span);
    } else {
      roots.push(span);
    }
  }
  for (const list of children.values()) list.sort(byStart);
  roots.sort(byStart);

  const rows: SpanTreeRow<S>[] = [];
  const visited = new Set<string>();
  const walk = (root: S) => {
    const stack: { span: S; depth: number }[] = [{ span: root, depth: 0 }];
    while (stack.length > 0) {
      const { span, depth } = stack.pop()!;
      if (visited.has(span.spanId)) continue;
      visited.add(span.spanId);
      const kids = children.get(span.spanId) ?? [];
      rows.push({ span, depth, childCount: kids.length, orphan: span.parentSpanId !== '' && !byId.has(span.parentSpanId) });
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
    }
  };
  for (const root of roots) walk(root);
  // Spans on a parent cycle are reachable from no root: show them anyway, as extra roots.
  if (visited.size < byId.size) {
    const unreached = [...byId.values()].filter((span) => !visited.has(span.spanId)).sort(byStart);
    for (const span of unreached) walk(span);
  }
  const orphanCount = rows.reduce((count, row) => count + (row.orphan ? 1 : 0), 0);
  return { rows, orphanCount, duplicateCount };
}
