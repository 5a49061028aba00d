import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from '@/lib/contracts/logs-api';
import { initialLiveTail, pauseTail, receiveFrame, resumeTail, tailSubscription } from './live-tail';
import { readLogFilters } from './log-search-params';

const entry = (body: string): LogEntry => ({
  timeUnixNano: '1',
  time: '1970-01-01T00:00:00.000Z',
  service: 's',
  severity: 'info',
  severityNumber: 9,
  severityText: '',
  body,
  traceId: '',
  spanId: '',
  correlationId: '',
  attributes: {},
  resource: {},
});
const bodies = (list: LogEntry[]) => list.map((e) => e.body);

test("the page's filters as a subscription; the time range is not part of it", () => {
  const filters = readLogFilters(new URLSearchParams('service=cart&severity=warn,error&q=%20timeout%20&attr=http.route:/pay/:id&lookback=6h'));
  assert.deepEqual(tailSubscription(filters, 'a'), {
    type: 'subscribe-logs',
    id: 'a',
    filter: { service: 'cart', severities: ['warn', 'error'], q: 'timeout', attributes: [{ key: 'http.route', value: '/pay/:id' }] },
  });
  assert.deepEqual(tailSubscription(readLogFilters(new URLSearchParams('')), 'b').filter, {});
});

test('frames go in newest first, bounded; dropped records are counted', () => {
  let state = receiveFrame(initialLiveTail, { records: [entry('1'), entry('2')], dropped: 0 }, 3);
  state = receiveFrame(state, { records: [entry('3'), entry('4')], dropped: 5 }, 3);
  assert.deepEqual(bodies(state.rows), ['4', '3', '2']);
  assert.equal(state.missed, 5, 'rows scrolled off the end were seen, not missed');
});

test('paused: records are held (bounded, overflow counted as missed) and shown on resume', () => {
  let state = receiveFrame(initialLiveTail, { records: [entry('1')], dropped: 0 }, 3);
  state = pauseTail(state);
  state = receiveFrame(state, { records: [entry('2'), entry('3'), entry('4'), entry('5')], dropped: 0 }, 3);
  assert.deepEqual(bodies(state.rows), ['1'], 'the screen stands still');
  assert.deepEqual(bodies(state.held), ['5', '4', '3']);
  assert.equal(state.missed, 1);
  state = resumeTail(state, 3);
  assert.deepEqual(bodies(state.rows), ['5', '4', '3']);
  assert.equal(state.paused, false);
  assert.deepEqual(state.held, []);
});
