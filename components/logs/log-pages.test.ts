import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from '@/lib/contracts/logs-api';
import { logPagesView } from './log-pages';

const entry = (timeUnixNano: string): LogEntry => ({
  timeUnixNano,
  time: '',
  service: 's',
  severity: 'info',
  severityNumber: 9,
  severityText: '',
  body: '',
  traceId: '',
  spanId: '',
  correlationId: '',
  attributes: {},
  resource: {},
});

test('full pages: the records, no search position', () => {
  const view = logPagesView([{ data: [entry('3'), entry('2')], nextCursor: '2.7' }], 2);
  assert.deepEqual(view.entries.map((e) => e.timeUnixNano), ['3', '2']);
  assert.equal(view.searchedBackToMs, undefined);
});

test('a short page with a cursor: the search goes on from the cursor time', () => {
  const view = logPagesView(
    [
      { data: [entry('1795952310345000000')], nextCursor: '1795952300000000000.9' },
      { data: [], nextCursor: '1795952000123456789.4' },
    ],
    2,
  );
  assert.equal(view.entries.length, 1);
  assert.equal(view.searchedBackToMs, 1795952000123);
});

test('the last page: no cursor, no position', () => {
  assert.equal(logPagesView([{ data: [], nextCursor: null }], 2).searchedBackToMs, undefined);
  assert.deepEqual(logPagesView([], 2), { entries: [] });
});
