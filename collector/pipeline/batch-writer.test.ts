import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriter } from './batch-writer';
import { SignalStats } from './collector-stats';
import { MemoryBudget } from './memory-budget';
import type { SignalStore } from './signal';
import { SignalQueue } from './signal-queue';
import { linesCodec, queued, type Lines } from './test-rows';

const quiet = { info() {}, warn() {}, error() {} };

const options = { writers: 1, batchItems: 100, lingerMs: 0, maxBackoffMs: 10 };

function setup(store: SignalStore<Lines>, sleep: () => Promise<void> = async () => {}) {
  const queue = new SignalQueue<Lines>(1000, new MemoryBudget(1 << 20));
  const stats = new SignalStats('test', 'lines');
  const writer = new BatchWriter('test', queue, linesCodec, store, options, stats, quiet, sleep);
  return { queue, stats, writer };
}

test('an unavailable database keeps the rows and retries them until it is back', async () => {
  const written: string[] = [];
  let failures = 2;
  const availability: boolean[] = [];
  const { queue, stats, writer } = setup(
    {
      async write(rows) {
        if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
        written.push(...rows);
      },
    },
    async () => {
      availability.push(writer.storageAvailable);
    },
  );
  queue.offer(queued(['a', 'b', 'c']));
  writer.start();
  await writer.stop(Date.now() + 2000);
  assert.deepEqual(written, ['a', 'b', 'c']);
  assert.deepEqual(availability, [false, false]);
  assert.equal(writer.storageAvailable, true);
  assert.equal(stats.written, 3);
  assert.equal(stats.writeFailures, 2);
});

test('a row the database refuses is isolated by bisection and dropped; the others are written', async () => {
  const written: string[] = [];
  const { queue, stats, writer } = setup({
    async write(rows) {
      if (rows.includes('bad')) throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
      written.push(...rows);
    },
  });
  queue.offer(queued(['a', 'b', 'bad', 'c', 'd']));
  writer.start();
  await writer.stop(Date.now() + 2000);
  assert.deepEqual(written.sort(), ['a', 'b', 'c', 'd']);
  assert.equal(stats.droppedInvalid, 1);
  assert.equal(stats.written, 4);
});

test('an unknown failure is treated as unavailability, never as bad data', async () => {
  let calls = 0;
  const { queue, stats, writer } = setup({
    async write() {
      calls++;
      if (calls === 1) throw Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000' });
    },
  });
  queue.offer(queued(['a', 'b']));
  writer.start();
  await writer.stop(Date.now() + 2000);
  assert.equal(stats.droppedInvalid, 0);
  assert.equal(stats.written, 2);
  assert.equal(calls, 2);
});

test('a retried batch keeps its id and its rows, even when more rows arrived meanwhile; bisection halves get derived ids', async () => {
  const attempts: Array<[string, string]> = [];
  let failures = 1;
  const { queue, writer } = setup({
    async write(rows, batchId) {
      attempts.push([batchId, rows.join('')]);
      if (rows.includes('bad') && rows.length > 1) throw Object.assign(new Error('bad json'), { code: '22P02' });
      if (failures-- > 0) {
        queue.offer(queued(['late'])); // arrives while the first batch is being retried
        throw Object.assign(new Error('Connection terminated unexpectedly'), {});
      }
    },
  });
  let thirdAttempt!: () => void;
  const threeAttempts = new Promise<void>((resolve) => (thirdAttempt = resolve));
  const recorded = attempts.push.bind(attempts);
  attempts.push = (...items) => {
    const n = recorded(...items);
    if (n === 3) thirdAttempt();
    return n;
  };
  queue.offer(queued(['a', 'b']));
  writer.start();
  await threeAttempts;
  await writer.stop(Date.now() + 2000);
  const [first, retry, late] = attempts;
  assert.deepEqual(retry, first, 'the retry is the same batch under the same id');
  assert.notEqual(late![0], first![0]);
  assert.equal(late![1], 'late');

  attempts.length = 0;
  const second = setup({
    async write(rows, batchId) {
      attempts.push([batchId, rows.join(',')]);
      if (rows.includes('bad') && rows.length > 1) throw Object.assign(new Error('bad json'), { code: '22P02' });
    },
  });
  second.queue.offer(queued(['a', 'bad', 'c']));
  second.writer.start();
  await second.writer.stop(Date.now() + 2000);
  const id = attempts[0]![0];
  assert.deepEqual(attempts.slice(1), [
    [`${id}.0`, 'a,bad'],
    [`${id}.0.0`, 'a'],
    [`${id}.0.1`, 'bad'],
    [`${id}.1`, 'c'],
  ]);
});
