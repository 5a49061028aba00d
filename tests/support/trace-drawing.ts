// Trace models drawn by tests: span sketches and ASCII drawings become the same TraceModel
// the explorer builds from the API's compact parts (through modelFromParts, so the tests exercise
// the real merge). Test support only; lib/domain keeps the production code.
import type { Nanos } from '@/lib/domain/model';
import { modelFromParts, partFromSketches, type SpanSketch, type TraceModel } from '@/lib/domain/trace-model';

/** A model from plain span descriptions (times in ns from 0). */
export function modelFromSpans(traceId: string, spans: readonly SpanSketch[], baseNs: Nanos = 0n): TraceModel {
  return modelFromParts([partFromSketches(traceId, spans, baseNs)]);
}

/**
 * Reads a model from an ASCII drawing, one span a line, time running right one unit a column
 * (columns count from the left edge of the drawing, so labels of any width share one origin):
 *
 *     root          |==========|
 *     root>a          |===|
 *     a>b!@db          |=|
 *
 * A label is `parent>id`, then `!` for an error status and `@service`; ids `name#2`, `name#3`
 * are more spans named `name` (span ids are unique, names need not be); `unit` is the ns a
 * column stands for. Lines without a bar are comments.
 */
export function modelFromDrawing(drawing: string, unit = 1, traceId = 'f'.repeat(32)): TraceModel {
  const spans: SpanSketch[] = [];
  for (const line of drawing.split('\n')) {
    const match = /^\s*(?:([\w.#-]+)>)?([\w.#-]+)(!?)(?:@([\w.-]+))?\s+\|/.exec(line);
    const first = line.indexOf('|');
    const last = line.lastIndexOf('|');
    if (!match || last <= first) continue;
    const [, parent, id, bang, service] = match;
    spans.push({ id: id!, parent: parent ?? '', start: first * unit, end: last * unit, service: service ?? 'svc', name: id!.split('#')[0]!, error: bang === '!' });
  }
  const origin = Math.min(...spans.map((span) => span.start));
  return modelFromSpans(traceId, spans.map((span) => ({ ...span, start: span.start - origin, end: span.end - origin })));
}
