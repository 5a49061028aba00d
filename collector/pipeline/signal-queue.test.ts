import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryableError } from './errors';
import { MemoryBudget } from './memory-budget';
import { SignalQueue } from './signal-queue';
import { queued } from './test-rows';

const rows = (count: number, text = 'x'.repeat(count)) => queued([text], count, text.length);

test('refuses with a retryable queue-full error past its item limit', () => {
  const queue = new SignalQueue(10, new MemoryBudget(1000));
  queue.offer(rows(6));
  assert.throws(() => queue.offer(rows(6)), (e: unknown) => e instanceof RetryableError && e.reason === 'queue-full' && e.retryAfterSeconds > 0);
  assert.equal(queue.queuedItems, 6);
});

test('refuses past its byte limit', () => {
  const queue = new SignalQueue(1000, new MemoryBudget(10));
  queue.offer(rows(1, 'x'.repeat(8)));
  assert.throws(() => queue.offer(rows(1, 'x'.repeat(8))), RetryableError);
});

test('an empty queue accepts one batch larger than its limits, so big requests are not refused forever', () => {
  const queue = new SignalQueue(10, new MemoryBudget(10));
  queue.offer(rows(50));
  assert.equal(queue.queuedItems, 50);
});

test('take() batches up to maxItems in arrival order; putBack() restores the front', async () => {
  const queue = new SignalQueue(100, new MemoryBudget(1000));
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

test('a sealed batch (one that has a batch id) is taken alone, never merged', async () => {
  const queue = new SignalQueue(100, new MemoryBudget(1000));
  const a = rows(3);
  const sealed = { ...rows(3), batchId: 'x' };
  queue.offer(a);
  queue.putBack([sealed]);
  assert.deepEqual(await queue.take(100, 0), [sealed]);
  assert.deepEqual(await queue.take(100, 0), [a]);
});

test('take() waits for rows and returns [] once closed and empty', async () => {
  const queue = new SignalQueue(100, new MemoryBudget(1000));
  const pending = queue.take(10, 0);
  const a = rows(1);
  queue.offer(a);
  assert.deepEqual(await pending, [a]);
  const closing = queue.take(10, 0);
  queue.close();
  assert.deepEqual(await closing, []);
  assert.throws(() => queue.offer(rows(1)), (e: unknown) => e instanceof RetryableError && e.reason === 'shutting-down');
});

test('two writers lingering on the same rows: the one that finds them taken waits again instead of returning [] (which stops a writer)', async () => {
  const queue = new SignalQueue(100, new MemoryBudget(1000));
  const first = queue.take(10, 20);
  const second = queue.take(10, 20);
  const a = rows(1);
  queue.offer(a);
  assert.deepEqual(await first, [a]);
  let secondDone = false;
  void second.then(() => (secondDone = true));
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(secondDone, false, 'the second take must still be waiting for rows');
  const b = rows(2);
  queue.offer(b);
  assert.deepEqual(await second, [b]);
  const closing = queue.take(10, 20);
  queue.close();
  assert.deepEqual(await closing, []);
});

test('queues share one memory budget, and a flood of one cannot take another one\'s share', () => {
  const budget = new MemoryBudget(100);
  const flood = new SignalQueue(1_000_000, budget);
  const quiet = new SignalQueue(1_000_000, budget);
  // Half the budget is reserved, 25 bytes per queue; the flood may use the rest but not the quiet one's 25.
  for (let i = 0; i < 7; i++) flood.offer(rows(1, 'x'.repeat(10)));
  assert.throws(() => flood.offer(rows(1, 'x'.repeat(10))), RetryableError);
  quiet.offer(rows(1, 'x'.repeat(25)));
  quiet.offer(rows(1, 'x'.repeat(5)));
  assert.equal(budget.usedBytes, 100);
  assert.throws(() => quiet.offer(rows(1, 'x')), RetryableError);
});
