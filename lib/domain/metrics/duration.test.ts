import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatPromDuration, parseDurationParam, parsePromDuration, parseTimeParam } from './duration';

it('parses Prometheus durations and rejects others', () => {
  assert.equal(parsePromDuration('15s'), 15_000);
  assert.equal(parsePromDuration('1h30m'), 5_400_000);
  assert.equal(parsePromDuration('500ms'), 500);
  assert.equal(parsePromDuration('2d'), 172_800_000);
  assert.equal(parsePromDuration('0'), 0);
  for (const bad of ['', '15', '1.5s', 's', '30m1h', '-5s']) assert.equal(parsePromDuration(bad), undefined, bad);
});

it('parses the API step and time parameters', () => {
  assert.equal(parseDurationParam('15'), 15_000);
  assert.equal(parseDurationParam('0.5'), 500);
  assert.equal(parseDurationParam('1m'), 60_000);
  assert.equal(parseDurationParam('x'), undefined);
  assert.equal(parseTimeParam('1700000000.123'), 1_700_000_000_123);
  assert.equal(parseTimeParam('2026-11-28T12:00:00Z'), Date.UTC(2026, 10, 28, 12));
  assert.equal(parseTimeParam('2026-11-28T12:00:00.5+01:00'), Date.UTC(2026, 10, 28, 11, 0, 0, 500));
  assert.equal(parseTimeParam('yesterday'), undefined);
  assert.equal(formatPromDuration(5_400_000), '1h30m');
});
