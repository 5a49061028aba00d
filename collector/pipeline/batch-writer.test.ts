import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchWriter, type SpanSink } from './batch-writer';
import { CollectorStats } from './collector-stats';
import { SpanQueue } from './span-queue';
import type { SpanRows } from '../store/span-rows';

const quiet = { info() {}, warn() {}, error() {} };

function rowsOf(lines: string[]): SpanRows {
  return {
    copyText: lines.map((l) => `${l}\n`).join(''),
    spanCount: lines.length,
    days: new Set([1]),
    resources: new Map(),
    scopes: new Map(),
    operations: new Map(),
  };
}

function linesOf(rows: SpanRows): string[] {
  return rows.copyText.split('\n').filter(Boolean);
}

const options = { writers: 1, batchSpans: 100, lingerMs: 0, maxBackoffMs: 10 };

test('an unavailable database keeps the rows and retries them until it is back', async () => {
  const written: string[] = [];
  let failures = 2;
  const sink: SpanSink = {
    async write(rows) {
      if (failures-- > 0) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      written.push(...linesOf(rows));
    },
  };
  const queue = new SpanQueue({ maxSpans: 1000, maxBytes: 1 << 20 });
  const stats = new CollectorStats();
  const availability: boolean[] = [];
  const writer = new BatchWriter(queue, sink, options, stats, quiet, async () => {
    availability.push(writer.storageAvailable);
  });
  queue.offer(rowsOf(['a', 'b', 'c']));
  writer.start();
  await writer.stop(Date.now() + 2000);
  assert.deepEqual(written, ['a', 'b', 'c']);
  assert.deepEqual(availability, [false, false]);
  assert.equal(writer.storageAvailable, true);
  assert.equal(stats.spansWritten, 3);
  assert.equal(stats.writeFailures, 2);
});

test('a row the database refuses is isolated by bisection and dropped; the others are written', async () => {
  const written: string[] = [];
  const sink: SpanSink = {
    async write(rows) {
      const lines = linesOf(rows);
      if (lines.includes('bad')) throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
      written.push(...lines);
    },
  };
  const queue = new SpanQueue({ maxSpans: 1000, maxBytes: 1 << 20 });
  const stats = new CollectorStats();
  const writer = new BatchWriter(queue, sink, options, stats, quiet, async () => {});
  queue.offer(rowsOf(['a', 'b', 'bad', 'c', 'd']));
  writer.start();
  await writer.stop(Date.now() + 2000);
  assert.deepEqual(written.sort(), ['a', 'b', 'c', 'd']);
  assert.equal(stats.spansDroppedInvalid, 1);
  assert.equal(stats.spansWritten, 4);
});

test('an unknown failure is treated as unavailability, never as bad data', async () => {
  let calls = 0;
  const sink: SpanSink = {
    async write() {
      calls++;
      if (calls === 1) throw Object.assign(new Error('database "x" is not currently accepting connections'), { code: '55000' });
    },
  };
  const queue = new SpanQueue({ maxSpans: 1000, maxBytes: 1 << 20 });
  const stats = new CollectorStats();
  const writer = new BatchWriter(queue, sink, options, stats, quiet, async () => {});
  queue.offer(rowsOf(['a', 'b']));
  writer.start();
  await writer.stop(Date.now() + 2000);
  assert.equal(stats.spansDroppedInvalid, 0);
  assert.equal(stats.spansWritten, 2);
  assert.equal(calls, 2);
});
