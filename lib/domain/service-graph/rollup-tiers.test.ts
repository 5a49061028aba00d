import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockStart, windowSegments, type WindowSegment } from './rollup-tiers';

const T = (h: number, m: number, s = 0) => Date.UTC(2026, 10, 21, h, m, s);
const fmt = (s: WindowSegment) => {
  const hm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  return `${s.resolutionMinutes}m ${hm(s.fromMs)}-${hm(s.toMs)}`;
};

test('a 1-hour window: ragged minutes at both ends, 10-minute blocks between', () => {
  assert.deepEqual(windowSegments(T(10, 25, 30), T(11, 25, 30)).map(fmt), ['1m 10:25-10:30', '10m 10:30-11:20', '1m 11:20-11:26']);
});

test('a day: hours in the middle', () => {
  assert.deepEqual(windowSegments(T(0, 7), T(23, 52)).map(fmt), ['1m 00:07-00:10', '10m 00:10-01:00', '60m 01:00-23:00', '10m 23:00-23:50', '1m 23:50-23:52']);
});

test('short or aligned windows', () => {
  assert.deepEqual(windowSegments(T(10, 3), T(10, 8)).map(fmt), ['1m 10:03-10:08']);
  assert.deepEqual(windowSegments(T(10, 0), T(11, 0)).map(fmt), ['60m 10:00-11:00']);
  assert.deepEqual(windowSegments(T(10, 0), T(10, 50)).map(fmt), ['10m 10:00-10:50']);
});

test('the segments cover every minute of the window exactly once', () => {
  for (let i = 0; i < 500; i++) {
    const start = T(0, 0) + Math.floor(Math.random() * 86_400_000);
    const end = start + 1 + Math.floor(Math.random() * 2 * 86_400_000);
    const segments = windowSegments(start, end);
    let at = Math.floor(start / 60_000) * 60_000;
    for (const s of segments) {
      assert.equal(s.fromMs, at, 'contiguous');
      assert.equal(s.fromMs % (s.resolutionMinutes * 60_000), 0, 'aligned');
      assert.equal(s.toMs % (s.resolutionMinutes * 60_000), 0, 'aligned');
      at = s.toMs;
    }
    assert.equal(at, Math.ceil(end / 60_000) * 60_000);
    assert.ok(segments.length <= 5);
  }
});

test('minutes file into their blocks', () => {
  assert.equal(blockStart(T(10, 37), 10), T(10, 30));
  assert.equal(blockStart(T(10, 37), 60), T(10, 0));
});
