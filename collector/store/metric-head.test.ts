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
  assert.deepEqual(first.open.map((c) => [c.ref, decodeChunk(c.data).map((s) => s.v)]), [[1, [4, 5]], [2, [2]]]);

  // The write failed: nothing committed, so the same closed chunks come again.
  assert.equal(head.changes().closed.length, 2);
  const second = head.changes();
  head.append(1, 60, 6); // arrives while writing: series 1 stays dirty
  head.commit(second);
  const third = head.changes();
  assert.deepEqual(third.closed, []);
  assert.deepEqual(third.open.map((c) => [c.ref, c.n]), [[1, 3]]);
  head.commit(third);
  assert.deepEqual(head.changes().open, []);
  assert.equal(head.lastTimestamp(1), 60);
});
