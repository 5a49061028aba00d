// The volume counts the collector adds to log_volume_minutes: by minute, service and severity range,
// in one order for every writer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NANOS_PER_MINUTE, VolumeCounter, VolumeTally, severityGroup } from './volume';

test('severity ranges: the lowest number of each range of four, 0 for unspecified or out of range', () => {
  assert.deepEqual([0, 1, 4, 5, 9, 12, 13, 17, 21, 24, 25, -1].map(severityGroup), [0, 1, 1, 5, 9, 9, 13, 17, 21, 21, 0, 0]);
});

test('a tally counts records by minute, service and range, across runs and back in time', () => {
  const tally = new VolumeTally();
  const minute = 29_000_000n * NANOS_PER_MINUTE;
  tally.count(minute + 5n, 'api', 9);
  tally.count(minute + NANOS_PER_MINUTE - 1n, 'api', 10);
  tally.count(minute + NANOS_PER_MINUTE, 'api', 17);
  tally.count(minute + 7n, 'web', 0);
  tally.count(minute + 6n, 'api', 13);
  tally.count(minute - 1n, 'api', 9);
  tally.count(-1n, 'old', 24);
  const ms = Number(minute / 1_000_000n);
  assert.deepEqual(tally.rows(), [
    [-60_000, 'old', 21, 1],
    [ms - 60_000, 'api', 9, 1],
    [ms, 'api', 9, 2],
    [ms, 'api', 13, 1],
    [ms, 'web', 0, 1],
    [ms + 60_000, 'api', 17, 1],
  ]);
});

test('a counter sums repeated keys and orders its rows by minute, service, range', () => {
  const counter = new VolumeCounter();
  counter.addAll([
    [120_000, 'b', 9, 2],
    [60_000, 'z', 9, 1],
    [120_000, 'a', 17, 1],
  ]);
  counter.addAll([[120_000, 'b', 9, 3]]);
  assert.deepEqual(counter.rows(), [
    [60_000, 'z', 9, 1],
    [120_000, 'a', 17, 1],
    [120_000, 'b', 9, 5],
  ]);
});
