import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeChunk } from '../../lib/domain/metrics/chunk-codec';
import { InMemoryMetricHead } from './metric-head';

it('closes chunks by size and span, refuses out-of-order samples, and re-offers unwritten changes', () => {
  const head = new InMemoryMetricHead({ maxSamples: 4, maxSpanMs: 100 });
  for (let t = 0; t < 6; t++) assert.ok(head.append(1, t * 10, t));
  assert.equal(head.append(1, 50, 9), false, 'duplicate timestamp');
  assert.equal(head.append(1, 20, 9), false, 'out of order');
  assert.ok(head.append(2, 0, 1));
  assert.ok(head.append(2, 150, 2)); // past maxSpanMs: the first chunk closes

  const first = head.changes();
  assert.deepEqual(first.closed.map((c) => [c.ref, c.n, c.startMs, c.endMs]), [[1, 4, 0, 30], [2, 1, 0, 0]]);
  assert.deepEqual(first.segments.map((c) => [c.ref, decodeChunk(c.data).map((s) => s.v)]), [[1, [4, 5]], [2, [2]]]);

  // The write failed: nothing committed, so the same closed chunks come again.
  assert.equal(head.changes().closed.length, 2);
  const second = head.changes();
  head.append(1, 60, 6); // arrives while writing: series 1 stays dirty
  head.commit(second);
  const third = head.changes();
  assert.deepEqual(third.closed, []);
  // Only what arrived since the last written segment.
  assert.deepEqual(third.segments.map((c) => [c.ref, c.n, c.startMs, decodeChunk(c.data).map((s) => s.v)]), [[1, 1, 60, [6]]]);
  head.commit(third);
  assert.deepEqual(head.changes().segments, []);
  assert.equal(head.lastTimestamp(1), 60);
});

it('writes each sample once as a segment until its chunk closes, then the whole chunk', () => {
  const head = new InMemoryMetricHead({ maxSamples: 3, maxSpanMs: 1000 });
  head.append(1, 10, 1);
  const a = head.changes();
  head.commit(a);
  head.append(1, 20, 2);
  const b = head.changes();
  assert.deepEqual(b.segments.map((c) => [c.startMs, c.endMs, c.n]), [[20, 20, 1]]);
  head.append(1, 30, 3);
  head.append(1, 40, 4); // closes [10, 20, 30] while b is being written
  head.commit(b); // b was for the closed chunk: the new chunk's samples are still unwritten
  const c = head.changes();
  assert.deepEqual(c.closed.map((x) => [x.startMs, x.endMs, decodeChunk(x.data).map((s) => s.v)]), [[10, 30, [1, 2, 3]]]);
  assert.deepEqual(c.segments.map((x) => [x.startMs, x.endMs]), [[40, 40]]);
  assert.deepEqual(c.replaced, [{ ref: 1, startMs: 10, endMs: 30 }], 'the closed chunk replaces its segments');
  head.commit(c);
  assert.equal(head.append(1, 40, 9), false, 'the last timestamp survives the close');
});

it('holds back series that are not writable yet, and closes every chunk on closeAll()', () => {
  const head = new InMemoryMetricHead({ maxSamples: 2, maxSpanMs: 1000 });
  for (const t of [1, 2, 3]) {
    head.append(1, t, t);
    head.append(2, t, t);
  }
  const partial = head.changes((ref) => ref === 1);
  assert.deepEqual(partial.closed.map((x) => x.ref), [1]);
  assert.deepEqual(partial.segments.map((x) => x.ref), [1]);
  head.commit(partial);
  const rest = head.changes();
  assert.deepEqual(rest.closed.map((x) => [x.ref, x.n]), [[2, 2]]);
  assert.deepEqual(rest.segments.map((x) => [x.ref, x.n]), [[2, 1]]);
  head.commit(rest);
  head.closeAll();
  const last = head.changes();
  assert.deepEqual(last.closed.map((x) => [x.ref, x.startMs, x.n]), [[1, 3, 1], [2, 3, 1]]);
  assert.deepEqual(last.segments, []);
});

it('after maxSegments segments, the next one covers the whole open chunk and replaces them', () => {
  const head = new InMemoryMetricHead({ maxSamples: 100, maxSegments: 3 });
  const flushed: Array<[number, number, number]> = [];
  for (let t = 1; t <= 5; t++) {
    head.append(1, t * 10, t);
    const changes = head.changes();
    flushed.push(...changes.segments.map((s): [number, number, number] => [s.startMs, s.endMs, s.n]));
    assert.deepEqual(changes.replaced, t === 4 ? [{ ref: 1, startMs: 10, endMs: 30 }] : []);
    head.commit(changes);
  }
  // Segments [10], [20], [30]; then [10..40] replacing them; then [50] (the count restarted at 1).
  assert.deepEqual(flushed, [[10, 10, 1], [20, 20, 1], [30, 30, 1], [10, 40, 4], [50, 50, 1]]);
});

it('keeps unwrittenSamples up to date through appends, closes, partial and concurrent commits', () => {
  const head = new InMemoryMetricHead({ maxSamples: 5, maxSpanMs: 1000, maxSegments: 2 });
  let seed = 1;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const t = new Map<number, number>();
  for (let round = 0; round < 300; round++) {
    const before = head.unwrittenSamples;
    let appended = 0;
    for (let i = 0; i < 5; i++) {
      const ref = 1 + Math.floor(random() * 4);
      const next = (t.get(ref) ?? 0) + 1 + Math.floor(random() * 300);
      t.set(ref, next);
      if (head.append(ref, next, i)) appended++;
    }
    assert.ok(head.unwrittenSamples >= before + appended, 'appends add at least what they accept');
    assert.equal(head.unwrittenSamples, recount(head));
    const changes = head.changes((ref) => random() < 0.7 || ref === 1);
    if (random() < 0.3) {
      // arrives while writing
      t.set(1, (t.get(1) ?? 0) + 1);
      head.append(1, t.get(1)!, 0);
    }
    if (random() < 0.8) head.commit(changes);
    if (random() < 0.05) head.closeAll();
    assert.equal(head.unwrittenSamples, recount(head));
  }
  for (let i = 0; i < 3; i++) head.commit(head.changes());
  assert.equal(head.unwrittenSamples, 0);
  head.append(9, 1, 1);
  head.append(9, 2, 1);
  assert.equal(head.unwrittenSamples, 2);
});

/** unwrittenSamples as it used to be computed: closed chunks whole, open chunks past their written prefix. */
function recount(head: InMemoryMetricHead): number {
  const inside = head as unknown as { closed: { n: number }[]; dirty: Set<number>; series: Array<{ n: number; written: number } | undefined> };
  let n = 0;
  for (const chunk of inside.closed) n += chunk.n;
  for (const ref of inside.dirty) {
    const chunk = inside.series[ref];
    if (chunk) n += chunk.n - chunk.written;
  }
  return n;
}
