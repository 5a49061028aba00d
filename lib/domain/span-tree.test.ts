// Span tree cases, each drawn first (time runs left to right).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, StatusCode, type Span } from './model';
import { buildSpanTree } from './span-tree';

function span(spanId: string, parentSpanId: string, start: number, end = start + 10): Span {
  return {
    traceId: '1'.repeat(32),
    spanId,
    parentSpanId,
    traceState: '',
    flags: 1,
    name: spanId,
    kind: SpanKind.INTERNAL,
    startNs: BigInt(start),
    endNs: BigInt(end),
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    statusCode: StatusCode.UNSET,
    statusMessage: '',
  };
}

const rows = (spans: Span[]) => buildSpanTree(spans).rows.map((row) => `${'  '.repeat(row.depth)}${row.span.spanId}`);

test('children follow their parent, by start time, in pre-order', () => {
  // root  |=============================|
  // b       |=========|
  // b1        |===|
  // a                      |=======|
  // a1                        |==|
  const spans = [span('a1', 'a', 25), span('root', '', 0, 50), span('a', 'root', 20), span('b1', 'b', 6), span('b', 'root', 5)];
  assert.deepEqual(rows(spans), ['root', '  b', '    b1', '  a', '    a1']);
  const tree = buildSpanTree(spans);
  assert.equal(tree.rows[0]!.childCount, 2);
  assert.equal(tree.orphanCount, 0);
});

test('a span whose parent never arrived becomes an extra root, flagged as an orphan', () => {
  // root  |==========|
  // x          (parent "gone" missing) |====|
  const tree = buildSpanTree([span('x', 'gone', 30), span('root', '', 0, 20)]);
  assert.deepEqual(
    tree.rows.map((row) => [row.span.spanId, row.depth, row.orphan]),
    [
      ['root', 0, false],
      ['x', 0, true],
    ],
  );
  assert.equal(tree.orphanCount, 1);
});

test('a repeated span id (exporter retry) is kept once', () => {
  const tree = buildSpanTree([span('root', '', 0), span('c', 'root', 1), span('c', 'root', 1)]);
  assert.deepEqual(rows([span('root', '', 0), span('c', 'root', 1), span('c', 'root', 1)]), ['root', '  c']);
  assert.equal(tree.duplicateCount, 1);
});

test('a parent cycle neither hangs nor hides its spans', () => {
  // p -> q -> p (corrupt data), plus a self-parent
  const tree = buildSpanTree([span('p', 'q', 0), span('q', 'p', 1), span('self', 'self', 2)]);
  assert.deepEqual(tree.rows.map((row) => row.span.spanId).sort(), ['p', 'q', 'self']);
});

test('a 10,000-deep chain does not overflow the stack', () => {
  const chain = Array.from({ length: 10_000 }, (_, i) => span(`s${i}`, i === 0 ? '' : `s${i - 1}`, i));
  const tree = buildSpanTree(chain);
  assert.equal(tree.rows.length, 10_000);
  assert.equal(tree.rows.at(-1)!.depth, 9_999);
});
