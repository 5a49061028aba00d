import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchSpans, modelFromParts, summarizeModel, type CompactTracePart } from './trace-model';
import { buildSpanTree } from './span-tree';

const base: Omit<CompactTracePart, 'baseNs' | 'spanIds' | 'parentIds' | 'start' | 'duration' | 'service' | 'name' | 'kind' | 'status'> = {
  traceId: 'a'.repeat(32),
  services: [],
  names: [],
  eventSpan: [],
  eventTime: [],
  linkSpan: [],
};

test('parts served separately merge on the earliest base; repeated ids are kept once', () => {
  const first: CompactTracePart = {
    ...base,
    baseNs: '1000000000000000100',
    services: ['web'],
    names: ['GET /', 'render'],
    spanIds: ['r', 'x'],
    parentIds: ['', 'r'],
    start: [0, 50],
    duration: [500, 10],
    service: [0, 0],
    name: [0, 1],
    kind: [2, 1],
    status: [0, 2],
    eventSpan: [1],
    eventTime: [55],
  };
  const second: CompactTracePart = {
    ...base,
    baseNs: '1000000000000000000',
    services: ['db', 'web'],
    names: ['SELECT', 'render'],
    spanIds: ['q', 'x'],
    parentIds: ['r', 'r'],
    start: [200, 150],
    duration: [40, 10],
    service: [0, 1],
    name: [0, 1],
    kind: [3, 1],
    status: [0, 2],
    linkSpan: [0],
  };
  const model = modelFromParts([first, second]);
  assert.equal(model.baseNs, 1_000_000_000_000_000_000n);
  assert.deepEqual(model.spanIds, ['r', 'x', 'q']);
  assert.deepEqual([...model.start], [100, 150, 200]);
  assert.deepEqual([...model.end], [600, 160, 240]);
  assert.deepEqual(model.services, ['web', 'db']);
  assert.deepEqual([...model.service], [0, 0, 1]);
  assert.deepEqual([...model.eventTime], [155]);
  assert.deepEqual([...model.eventStart], [0, 0, 1, 1]);
  assert.deepEqual([...model.hasLinks], [0, 0, 1]);
  assert.equal(model.duplicateCount, 1);
  assert.deepEqual([...model.indexOf], [['r', 0], ['x', 1], ['q', 2]], 'the first of a repeated id');

  const tree = buildSpanTree(model);
  const summary = summarizeModel(model, tree.maxDepth, tree.roots[0]);
  assert.deepEqual(
    { spans: summary.spanCount, errors: summary.errorCount, depth: summary.depth, duration: summary.durationNs, root: summary.rootName },
    { spans: 3, errors: 1, depth: 2, duration: 600, root: 'GET /' },
  );
  assert.deepEqual([...matchSpans(model, 'DB')], [0, 0, 1]);
  assert.deepEqual([...matchSpans(model, 'rend', ['r'])], [1, 1, 0]);
});
