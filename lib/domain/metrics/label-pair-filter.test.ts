import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptsEmpty, passesPairFilters } from './label-pair-filter';

test('= and != accept a missing label as Prometheus does; regexes are left to the database', () => {
  assert.equal(acceptsEmpty({ name: 'a', type: '=', value: '' }), true);
  assert.equal(acceptsEmpty({ name: 'a', type: '=', value: 'x' }), false);
  assert.equal(acceptsEmpty({ name: 'a', type: '!=', value: 'x' }), true);
  assert.equal(acceptsEmpty({ name: 'a', type: '!=', value: '' }), false);
  assert.equal(acceptsEmpty({ name: 'a', type: '=~', value: 'x|' }), undefined);
  assert.equal(acceptsEmpty({ name: 'a', type: '!~', value: 'x' }), undefined);
});

test('a series passes when it holds one id of every `has` filter and none of any `hasNot` filter', () => {
  const has = { mode: 'has' as const, ids: new Set([1, 2]) };
  const hasNot = { mode: 'hasNot' as const, ids: new Set([7]) };
  assert.equal(passesPairFilters([2, 5], [has, hasNot]), true);
  assert.equal(passesPairFilters([2, 7], [has, hasNot]), false);
  assert.equal(passesPairFilters([3, 5], [has]), false);
  assert.equal(passesPairFilters([], [hasNot]), true);
  assert.equal(passesPairFilters([], [{ mode: 'has', ids: new Set() }]), false);
  assert.equal(passesPairFilters([4], []), true);
});
