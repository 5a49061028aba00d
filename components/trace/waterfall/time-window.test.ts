import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rulerTicks, toPercent } from './time-window';

test('ruler ticks fall on round values inside the window', () => {
  assert.deepEqual(rulerTicks({ start: 0, end: 1_000_000 }, 4), [0, 250_000, 500_000, 750_000, 1_000_000]);
  assert.deepEqual(rulerTicks({ start: 130, end: 370 }, 5), [150, 200, 250, 300, 350]);
  assert.equal(toPercent({ start: 100, end: 300 }, 200), 50);
});
