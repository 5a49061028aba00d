import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChaosController } from './chaos-controller';
import type { ChaosState } from './scenarios';

const timing = { warmupMs: 1_000, incidentMs: 100, recoveryMs: 200 };

function setup(initial: ConstructorParameters<typeof ChaosController>[1]) {
  let now = 0;
  const applied: ChaosState[] = [];
  const controller = new ChaosController(timing, initial, (state) => applied.push(state), () => now);
  return { controller, applied, advance: (ms: number) => ((now += ms), controller.tick()) };
}

test('the cycle applies each change once, when its phase starts', () => {
  const { applied, advance } = setup({ mode: 'cycle' });
  advance(999);
  assert.deepEqual(applied, []);
  advance(1);
  assert.deepEqual(applied, ['payments-down']);
  advance(50);
  assert.deepEqual(applied, ['payments-down']);
  advance(50);
  assert.deepEqual(applied, ['payments-down', 'none']);
  advance(200);
  assert.deepEqual(applied, ['payments-down', 'none', 'slow-consumer']);
});

test('the status says what comes next and when', () => {
  const { controller, advance } = setup({ mode: 'cycle' });
  advance(400);
  assert.deepEqual(controller.status(), { mode: 'cycle', state: 'none', next: { state: 'payments-down', inMs: 600 } });
});

test('a pinned scenario holds until the cycle is resumed, which skips the warm-up', () => {
  const { controller, applied, advance } = setup({ mode: 'pinned', state: 'slow-consumer' });
  assert.deepEqual(applied, ['slow-consumer']);
  advance(5_000);
  assert.deepEqual(controller.status(), { mode: 'pinned', state: 'slow-consumer' });
  controller.pin('none');
  controller.resumeCycle();
  assert.deepEqual(applied, ['slow-consumer', 'none', 'payments-down']);
});
