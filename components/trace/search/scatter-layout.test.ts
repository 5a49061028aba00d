import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResultRow } from './result-row';
import { niceStep, scatterLayout } from './scatter-layout';

const ms = (n: number) => `${n} ms`;

function row(id: string, startMs: number, durationMs: number, spanCount: number, errorCount = 0): ResultRow {
  return {
    traceId: id,
    rootName: 'GET /',
    rootService: 'api',
    hasRoot: true,
    spanCount,
    errorCount,
    services: [],
    startNs: `${startMs}000000`,
    startMs,
    durationNs: durationMs * 1e6,
  };
}

test('niceStep: 1, 2 or 5 times a power of ten', () => {
  assert.equal(niceStep(480, 4), 200);
  assert.equal(niceStep(100, 4), 50);
  assert.equal(niceStep(7, 4), 2);
  assert.equal(niceStep(0, 4), 1);
});

test('dots: start across, duration up from a rounded top, radius by span count, errors marked', () => {
  const t0 = Date.UTC(2026, 10, 20, 12, 0, 0);
  const { dots, yTicks, xTicks } = scatterLayout([row('a', t0, 100, 2), row('b', t0 + 60_000, 450, 20, 3), row('c', t0 + 30_000, 0, 11)], (ns) => ms(ns / 1e6));
  assert.deepEqual(
    dots.map((d) => [d.traceId, d.x, d.y, d.errors]),
    [
      ['a', 0, 20, false],
      ['b', 100, 90, true],
      ['c', 50, 0, false],
    ],
  );
  assert.equal(dots[0]!.r, 2.5);
  assert.equal(dots[1]!.r, 5.5);
  assert.match(dots[1]!.label, /^api GET \/ · 450 ms · 20 spans · 3 errors · 12:01:00 UTC$/);
  assert.deepEqual(yTicks.map((t) => [t.at, t.label]), [[0, '0 ms'], [20, '100 ms'], [40, '200 ms'], [60, '300 ms'], [80, '400 ms'], [100, '500 ms']]);
  assert.deepEqual(xTicks.map((t) => t.label), ['12:00:00', '12:00:10', '12:00:20', '12:00:30', '12:00:40', '12:00:50', '12:01:00']);
});

test('one result, or none: no division by zero', () => {
  const { dots, xTicks, yTicks } = scatterLayout([row('a', 1_000, 0, 1)], ms);
  assert.equal(dots.length, 1);
  assert.equal(dots[0]!.x, 50);
  assert.ok(Number.isFinite(dots[0]!.y) && Number.isFinite(dots[0]!.r));
  assert.ok(xTicks.every((t) => t.at >= 0 && t.at <= 100) && yTicks.length > 0);
  assert.deepEqual(scatterLayout([], ms), { dots: [], xTicks: [], yTicks: [] });
});
