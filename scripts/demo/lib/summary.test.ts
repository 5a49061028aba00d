import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadCounters } from './load-generator';
import { announceChaos, formatDuration, statusLine } from './summary';

const zero: LoadCounters = { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, failed: 0, skipped: 0 };
const at = new Date(2026, 10, 21, 12, 0, 15);

test('durations read like a person would say them', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(44_600), '45s');
  assert.equal(formatDuration(105_000), '1m45s');
  assert.equal(formatDuration(120_000), '2m');
});

test('the status line shows the traffic since the last line, the breaker, the queue and the cycle', () => {
  const current: LoadCounters = { ...zero, sent: 120, ok: 100, clientErrors: 5, serverErrors: 10, failed: 5 };
  const line = statusLine(at, zero, current, 15_000, { breaker: 'half_open', queue: { name: 'q', depth: 42, processed: 300 } }, {
    mode: 'cycle',
    state: 'payments-down',
    next: { state: 'none', inMs: 20_000 },
  });
  assert.equal(
    line,
    '12:00:15  8.0 req/s \u00b7 ok 83% \u00b7 4xx 4% \u00b7 5xx 13% \u2502 breaker half-open \u2502 queue 42 waiting, 300 processed \u2502 payments down \u00b7 next: healthy in 20s',
  );
});

test('a pinned scenario says so', () => {
  const line = statusLine(at, zero, zero, 15_000, { breaker: 'closed', queue: undefined }, { mode: 'pinned', state: 'slow-consumer' });
  assert.match(line, /breaker closed \u2502 queue \u2013 \u2502 slow consumer \(pinned\)$/);
});

test('switching incidents announces the recovery, then the new incident and where to look', () => {
  const lines = announceChaos(at, 'payments-down', 'slow-consumer');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /healed: payments down is over \u2014 watch: the breaker half-opens/);
  assert.match(lines[1]!, /incident: slow consumer/);
  assert.match(lines[2]!, /watch: queue depth/);
  assert.deepEqual(announceChaos(at, 'none', 'none'), []);
});
