import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAgo, formatDurationNs, formatTimestampNs, serviceColor } from './format';

test('durations pick a readable unit', () => {
  const cases: [bigint, string][] = [
    [0n, '0 ns'],
    [850n, '850 ns'],
    [1_500n, '1.50 µs'],
    [120_000n, '120 µs'],
    [45_200_000n, '45.2 ms'],
    [1_230_000_000n, '1.23 s'],
    [125_000_000_000n, '2m 5s'],
    [7_380_000_000_000n, '2h 3m'],
  ];
  for (const [ns, text] of cases) assert.equal(formatDurationNs(ns), text);
});

test('timestamps in UTC; relative ages from an injected now', () => {
  assert.equal(formatTimestampNs(1_732_147_200_123_456_789n), '2024-11-21 00:00:00.123 UTC');
  const now = 1_732_147_200_000;
  assert.equal(formatAgo(1_732_147_195_000_000_000n, now), 'just now');
  assert.equal(formatAgo(1_732_146_900_000_000_000n, now), '5 min ago');
  assert.equal(formatAgo(1_731_974_400_000_000_000n, now), '2 d ago');
});

test('a service keeps its color', () => {
  assert.equal(serviceColor('cart'), serviceColor('cart'));
  assert.match(serviceColor('checkout'), /^#[0-9a-f]{6}$/);
});
