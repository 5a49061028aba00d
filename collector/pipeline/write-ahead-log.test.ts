import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RetryableError } from './errors';
import { WriteAheadLog, type WalOptions } from './write-ahead-log';
import { linesCodec, type Lines } from './test-rows';

const quiet = { info() {}, warn() {}, error() {} };

function options(overrides: Partial<WalOptions> = {}): WalOptions {
  return { dir: mkdtempSync(path.join(os.tmpdir(), 'meshlight-wal-')), fsync: 'batch', maxBytes: 1 << 20, segmentBytes: 1 << 16, ...overrides };
}

test('replay returns unsealed rows as they were and sealed batches merged under their id', async () => {
  const opts = options();
  const { wal } = await WriteAheadLog.open<Lines>(linesCodec, opts, quiet);
  const a = wal.append(['a1', 'a2']);
  const b = wal.append(['b1']);
  const c = wal.append(['c1']);
  await Promise.all([a.durable, b.durable, c.durable]);
  await wal.sealed({ rows: ['a1', 'a2', 'b1'], count: 3, bytes: 6, batchId: 'batch-1', walRecords: [a.id, b.id] });
  await wal.abandon();

  const reopened = await WriteAheadLog.open<Lines>(linesCodec, opts, quiet);
  assert.deepEqual(
    reopened.replay.map((item) => ({ rows: item.rows, batchId: item.batchId })),
    [
      { rows: ['a1', 'a2', 'b1'], batchId: 'batch-1' },
      { rows: ['c1'], batchId: undefined },
    ],
  );
  await reopened.wal.close();
});

test('segments are deleted, whole and oldest first, once every batch in them is written', async () => {
  const opts = options({ segmentBytes: 64 });
  const { wal } = await WriteAheadLog.open<Lines>(linesCodec, opts, quiet);
  const items = [];
  for (let i = 0; i < 6; i++) {
    const appended = wal.append([`row-${i}-${'x'.repeat(40)}`]);
    await appended.durable;
    items.push({ rows: [`row-${i}`], count: 1, bytes: 1, batchId: `b${i}`, walRecords: [appended.id] });
  }
  const before = readdirSync(opts.dir).sort();
  assert.equal(before.length, 6, 'one record per segment at this size');
  for (const item of items.slice(0, 3)) {
    await wal.sealed(item);
    wal.written(item);
  }
  await wal.close();
  const reopened = await WriteAheadLog.open<Lines>(linesCodec, opts, quiet);
  assert.deepEqual(
    reopened.replay.map((item) => item.rows[0]!.slice(0, 5)),
    ['row-3', 'row-4', 'row-5'],
  );
  await reopened.wal.close();
  const after = readdirSync(opts.dir).sort();
  assert.ok(!after.some((file) => before.slice(0, 3).includes(file)), 'the three written segments are gone');
  assert.ok(before.slice(3).every((file) => after.includes(file)), 'the others are kept');
});

test('a full log refuses with a retryable error', async () => {
  const { wal } = await WriteAheadLog.open<Lines>(linesCodec, options({ maxBytes: 100 }), quiet);
  await wal.append(['x'.repeat(50)]).durable;
  assert.throws(() => wal.append(['y'.repeat(50)]), (error: unknown) => error instanceof RetryableError && error.reason === 'wal-full');
  await wal.close();
});

test('replay reads a segment larger than its read piece: records across pieces and one bigger than a piece', async () => {
  const opts = options({ maxBytes: 64 << 20, segmentBytes: 32 << 20 });
  const { wal } = await WriteAheadLog.open<Lines>(linesCodec, opts, quiet);
  const expected: string[][] = [];
  // ~3.5 MiB in one segment: 300 records of ~10 KiB (some straddle the 1 MiB pieces) and one of 1.5 MiB.
  for (let i = 0; i < 300; i++) {
    const rows = [`r${i}-${String(i).repeat(3000).slice(0, 10_000 + (i % 7))}`];
    if (i === 150) rows.push('y'.repeat(1536 * 1024));
    expected.push(rows);
    await wal.append(rows).durable;
  }
  await wal.abandon();
  assert.equal(readdirSync(opts.dir).length, 1, 'one segment');
  const reopened = await WriteAheadLog.open<Lines>(linesCodec, opts, quiet);
  assert.deepEqual(reopened.replay.map((item) => item.rows), expected);
  await reopened.wal.close();
});

test('binary records replay across read pieces too, each one its own bytes (the read buffer is reused)', async () => {
  const opts = options({ maxBytes: 64 << 20, segmentBytes: 32 << 20 });
  // fromBinary keeps the bytes it is given, as a codec that decodes lazily may.
  const kept: Buffer[] = [];
  const binaryCodec = { ...linesCodec, toBinary: (rows: Lines) => Buffer.from(rows.join('\n')), fromBinary: (bytes: Buffer) => (kept.push(bytes), []) };
  const { wal } = await WriteAheadLog.open<Lines>(binaryCodec, opts, quiet);
  const expected: string[][] = [];
  for (let i = 0; i < 200; i++) {
    const rows = [`b${i}-${'z'.repeat(12_000 + i)}`];
    if (i === 100) rows.push('w'.repeat(1536 * 1024));
    expected.push(rows);
    await wal.append(rows).durable;
  }
  await wal.abandon();
  const reopened = await WriteAheadLog.open<Lines>(binaryCodec, opts, quiet);
  assert.equal(reopened.replay.length, 200);
  assert.deepEqual(kept.map((bytes) => bytes.toString().split('\n')), expected);
  await reopened.wal.close();
});
