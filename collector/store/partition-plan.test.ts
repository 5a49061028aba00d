import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dayBounds,
  dayOf,
  dayOfPartition,
  NANOS_PER_DAY,
  partitionName,
  partitionsToDrop,
  partitionWindow,
  retentionCutoffNs,
} from './partition-plan';

const NOV_21_2026_NOON_MS = Date.UTC(2026, 10, 21, 12);
const policy = { retentionDays: 7, futureDays: 1 };

test('a span belongs to the UTC day of its start', () => {
  const ns = BigInt(NOV_21_2026_NOON_MS) * 1_000_000n;
  const day = dayOf(ns);
  assert.equal(partitionName(day, 'spans'), 'spans_p20261121');
  const { from, to } = dayBounds(day);
  assert.ok(from <= ns && ns < to);
  assert.equal(to - from, NANOS_PER_DAY);
});

test('day boundaries: the last nanosecond of a day and the first of the next', () => {
  const midnight = BigInt(Date.UTC(2026, 10, 22)) * 1_000_000n;
  assert.equal(partitionName(dayOf(midnight - 1n), 'spans'), 'spans_p20261121');
  assert.equal(partitionName(dayOf(midnight), 'spans'), 'spans_p20261122');
});

test('pre-1970 timestamps floor to the previous day', () => {
  assert.equal(dayOf(-1n), -1);
  assert.equal(partitionName(-1, 'spans'), 'spans_p19691231');
});

test('partition names round-trip to days', () => {
  for (const day of [0, 20_000, 20_778]) assert.equal(dayOfPartition(partitionName(day, 'spans'), 'spans'), day);
  assert.equal(dayOfPartition('spans_default', 'spans'), undefined);
  assert.equal(dayOfPartition('spans_p2026112', 'spans'), undefined);
});

test('the partition window covers the retention period and a day ahead', () => {
  const { firstDay, lastDay } = partitionWindow(NOV_21_2026_NOON_MS, policy);
  assert.equal(partitionName(firstDay, 'spans'), 'spans_p20261114');
  assert.equal(partitionName(lastDay, 'spans'), 'spans_p20261122');
});

test('retention drops whole partitions older than the window and keeps the rest', () => {
  const existing = ['spans_p20261112', 'spans_p20261113', 'spans_p20261114', 'spans_p20261121', 'spans_default'];
  assert.deepEqual(partitionsToDrop(existing, NOV_21_2026_NOON_MS, policy, 'spans'), ['spans_p20261112', 'spans_p20261113']);
  assert.equal(retentionCutoffNs(NOV_21_2026_NOON_MS, policy), BigInt(Date.UTC(2026, 10, 14)) * 1_000_000n);
});

test('partition names are per table: one table never claims another one\'s partitions', () => {
  assert.equal(partitionName(20_778, 'log_records'), 'log_records_p20261121');
  assert.equal(dayOfPartition('log_records_p20261121', 'log_records'), 20_778);
  assert.equal(dayOfPartition('log_records_p20261121', 'spans'), undefined);
  assert.deepEqual(partitionsToDrop(['spans_p20261101', 'samples_p20261101'], NOV_21_2026_NOON_MS, policy, 'samples'), ['samples_p20261101']);
});
