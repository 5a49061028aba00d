import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryableError } from './errors';
import { SpanQueue } from './span-queue';
import type { SpanRows } from '../store/span-rows';

const rows = (spanCount: number, text = 'x'.repeat(spanCount)): SpanRows => ({
  copyText: text,
  spanCount,
  days: new Set(),
  resources: new Map(),
  scopes: new Map(),
  operations: new Map(),
});

test('refuses with a retryable queue-full error past its span limit', () => {
  const queue = new SpanQueue({ maxSpans: 10, maxBytes: 1000 });
  queue.offer(rows(6));
  assert.throws(() => queue.offer(rows(6)), (e: unknown) => e instanceof RetryableError && e.reason === 'queue-full' && e.retryAfterSeconds > 0);
  assert.equal(queue.queuedSpans, 6);
});

test('refuses past its byte limit', () => {
  const queue = new SpanQueue({ maxSpans: 1000, maxBytes: 10 });
  queue.offer(rows(1, 'x'.repeat(8)));
  assert.throws(() => queue.offer(rows(1, 'x'.repeat(8))), RetryableError);
});

test('an empty queue accepts one batch larger than its limits, so big requests are not refused forever', () => {
  const queue = new SpanQueue({ maxSpans: 10, maxBytes: 10 });
  queue.offer(rows(50));
  assert.equal(queue.queuedSpans, 50);
});

test('take() batches up to maxSpans in arrival order; putBack() restores the front', async () => {
  const queue = new SpanQueue({ maxSpans: 100, maxBytes: 1000 });
  const a = rows(3);
  const b = rows(3);
  const c = rows(3);
  queue.offer(a);
  queue.offer(b);
  queue.offer(c);
  const first = await queue.take(6, 0);
  assert.deepEqual(first, [a, b]);
  queue.putBack(first);
  assert.deepEqual(await queue.take(100, 0), [a, b, c]);
});

test('take() waits for rows and returns [] once closed and empty', async () => {
  const queue = new SpanQueue({ maxSpans: 100, maxBytes: 1000 });
  const pending = queue.take(10, 0);
  const a = rows(1);
  queue.offer(a);
  assert.deepEqual(await pending, [a]);
  const closing = queue.take(10, 0);
  queue.close();
  assert.deepEqual(await closing, []);
  assert.throws(() => queue.offer(rows(1)), (e: unknown) => e instanceof RetryableError && e.reason === 'shutting-down');
});
