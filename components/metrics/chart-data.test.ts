import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatValue, seriesLabel, toChartData } from './chart-data';
import { autoStepMs, errorColumn, explorerSearch, readExplorerState } from './explorer-state';

it('turns a matrix into rows per timestamp with gaps as null', () => {
  const { rows, series } = toChartData([
    { metric: { __name__: 'up', job: 'b', instance: 'x' }, values: [[10, '1'], [20, '1']] },
    { metric: { job: 'a' }, values: [[20, '0.5'], [30, 'NaN'], [40, '+Inf']] },
  ]);
  assert.deepEqual(rows, [
    { t: 10_000, s0: 1, s1: null },
    { t: 20_000, s0: 1, s1: 0.5 },
    { t: 30_000, s1: null, s0: null },
    { t: 40_000, s1: null, s0: null },
  ]);
  assert.deepEqual(series.map((s) => [s.label, s.last]), [['up{instance="x", job="b"}', 1], ['{job="a"}', 0.5]]);
  assert.equal(seriesLabel({ __name__: 'up' }), 'up');
  assert.deepEqual([formatValue(12_345), formatValue(0.00123), formatValue(null), formatValue(-Infinity)], ['12.3k', '0.0012', '–', '-Inf']);
});

it('keeps the explorer state in the URL', () => {
  const state = readExplorerState(new URLSearchParams('q=rate(x[5m])&range=6h&end=1700000000000&step=30s'));
  assert.deepEqual(state, { query: 'rate(x[5m])', range: '6h', rangeMs: 21_600_000, endMs: 1_700_000_000_000, stepMs: 30_000 });
  assert.equal(explorerSearch(state), '?q=rate%28x%5B5m%5D%29&range=6h&end=1700000000000&step=30s');
  assert.deepEqual(readExplorerState({ range: 'forever', step: 'x' }), { query: '', range: '1h', rangeMs: 3_600_000, endMs: null, stepMs: null });
  assert.equal(explorerSearch(readExplorerState({})), '');
  assert.equal(autoStepMs(3_600_000), 15_000);
  assert.equal(autoStepMs(7 * 86_400_000), 3_600_000);
  assert.equal(errorColumn('1:11: parse error: unexpected end of input'), 11);
  assert.equal(errorColumn('invalid parameter "query": missing'), undefined);
});
