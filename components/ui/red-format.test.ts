import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMs, formatPercent, formatRate } from './red-format';

test('numbers read the way an operator says them', () => {
  assert.equal(formatRate(0), '0/s');
  assert.equal(formatRate(0.05), '3/min');
  assert.equal(formatRate(1.5), '1.5/s');
  assert.equal(formatRate(12.345), '12.3/s');
  assert.equal(formatRate(2500), '2,500/s');
  assert.equal(formatPercent(0.0123), '1.23%');
  assert.equal(formatPercent(0.0004), '<0.1%');
  assert.equal(formatMs(0.25), '250 µs');
  assert.equal(formatMs(45.2), '45.2 ms');
  assert.equal(formatMs(1500), '1.5 s');
  assert.equal(formatMs(null), '–');
});
