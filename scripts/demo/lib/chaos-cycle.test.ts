import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cyclePhases, phaseAt, type CycleTiming } from './chaos-cycle';

const timing: CycleTiming = { warmupMs: 100, incidentMs: 10, recoveryMs: 20 };

test('the warm-up is calm and announces the first incident', () => {
  assert.deepEqual(phaseAt(timing, 0), { state: 'none', remainingMs: 100, next: 'payments-down' });
  assert.deepEqual(phaseAt(timing, 99), { state: 'none', remainingMs: 1, next: 'payments-down' });
});

test('each incident is followed by a recovery, in scenario order', () => {
  // 100 ms warm-up, then: payments-down 10, none 20, slow-consumer 10, none 20, inventory-latency 10, none 20
  const at = (ms: number) => phaseAt(timing, ms);
  assert.equal(at(100).state, 'payments-down');
  assert.equal(at(109).remainingMs, 1);
  assert.deepEqual(at(110), { state: 'none', remainingMs: 20, next: 'slow-consumer' });
  assert.equal(at(130).state, 'slow-consumer');
  assert.equal(at(160).state, 'inventory-latency');
  assert.deepEqual(at(170), { state: 'none', remainingMs: 20, next: 'payments-down' });
});

test('the round repeats without the warm-up', () => {
  const roundMs = cyclePhases(timing).reduce((sum, p) => sum + p.durationMs, 0);
  assert.equal(roundMs, 90);
  assert.equal(phaseAt(timing, 100 + roundMs).state, 'payments-down');
  assert.equal(phaseAt(timing, 100 + 3 * roundMs + 35).state, 'slow-consumer');
});
