// The compact trace part built from the explorer query's rows: start offsets from the part's
// earliest span, exact at today's Unix ns magnitudes, whatever order the rows come in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactPartFromRows } from './trace-explorer-queries';

const traceId = 'a'.repeat(32);

test('offsets are from the earliest span, exact, in row order; events follow their span', () => {
  const part = compactPartFromRows(traceId, [
    ['00000000000000b1 00000000000000a1 1795941648204000123 250 1 0 0', 'web', 'render', '10,240'],
    ['00000000000000a1 - 1795941648204000001 1000 2 0 0', 'web', 'GET /', null],
    ['00000000000000c1 00000000000000a1 1795941649204000000 5 3 2 2', 'db', 'SELECT', null],
  ]);
  assert.equal(part.baseNs, '1795941648204000001');
  assert.deepEqual(part.spanIds, ['00000000000000b1', '00000000000000a1', '00000000000000c1']);
  assert.deepEqual(part.parentIds, ['00000000000000a1', '', '00000000000000a1']);
  assert.deepEqual(part.start, [122, 0, 999_999_999]);
  assert.deepEqual(part.duration, [250, 1000, 5]);
  assert.deepEqual(part.services, ['web', 'db']);
  assert.deepEqual(part.service, [0, 0, 1]);
  assert.deepEqual(part.names, ['render', 'GET /', 'SELECT']);
  assert.deepEqual(part.kind, [1, 2, 3]);
  assert.deepEqual(part.status, [0, 0, 2]);
  assert.deepEqual(part.eventSpan, [0, 0]);
  assert.deepEqual(part.eventTime, [132, 362]);
  assert.deepEqual(part.linkSpan, [2]);
});

test('small and negative Unix ns (tests, clocks near the epoch) and an empty part', () => {
  const small = compactPartFromRows(traceId, [
    ['02 - 1500 10 1 0 0', 's', 'a', null],
    ['01 02 1000 10 1 0 0', 's', 'b', null],
  ]);
  assert.equal(small.baseNs, '1000');
  assert.deepEqual(small.start, [500, 0]);
  const negative = compactPartFromRows(traceId, [
    ['02 - -999999999999999999 10 1 0 0', 's', 'a', null],
    ['01 02 -1000000000000000001 10 1 0 0', 's', 'b', null],
  ]);
  assert.equal(negative.baseNs, '-1000000000000000001');
  assert.deepEqual(negative.start, [2, 0]);
  assert.equal(compactPartFromRows(traceId, []).baseNs, '0');
});
