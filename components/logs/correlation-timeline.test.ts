import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CorrelationView, LogEntry } from '@/lib/contracts/logs-api';
import { correlationTimeline } from './correlation-timeline';

const log = (service: string, timeUnixNano: string, severity = 'info'): LogEntry => ({
  timeUnixNano,
  time: '',
  service,
  severity,
  severityNumber: 9,
  severityText: '',
  body: '',
  traceId: '',
  spanId: '',
  correlationId: 'c',
  attributes: {},
  resource: {},
});

test('lanes per service; a trace is a bar, logs are ticks, positions relative to the whole window', () => {
  //   gateway  [=========trace=========]
  //   payments        |        |
  //   time     1000  1250     1750  2000
  const view: CorrelationView = {
    correlationId: 'c',
    traces: [{ traceId: 't', rootService: 'gateway', rootName: 'GET /checkout', startNs: '1000', durationNs: '1000', spanCount: 4, errorCount: 1, services: [] }],
    logs: [log('payments', '1250'), log('payments', '1750', 'error')],
    truncated: false,
  };
  const timeline = correlationTimeline(view)!;
  assert.equal(timeline.startNs, 1000n);
  assert.equal(timeline.endNs, 2000n);
  assert.deepEqual(timeline.lanes.map((l) => l.service), ['gateway', 'payments']);
  assert.deepEqual(timeline.lanes[0]!.bars, [{ traceId: 't', left: 0, width: 1, error: true, label: 'GET /checkout · 4 spans' }]);
  assert.deepEqual(timeline.lanes[1]!.ticks, [
    { index: 0, left: 0.25, severity: 'info' },
    { index: 1, left: 0.75, severity: 'error' },
  ]);
  assert.equal(correlationTimeline({ correlationId: 'c', traces: [], logs: [], truncated: false }), undefined);
});
