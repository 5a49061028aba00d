// Log records placed on spans:
//
//   time (ns)       0    5    10   15   20
//   gateway root    |===================|
//   payments charge      |=========|
//   payments db             |==|
//
// By span id when the record has one; else the deepest span of its service containing its time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from '@/lib/contracts/logs-api';
import { partFromSketches } from '@/lib/domain/trace-model';
import { prepareTrace } from './prepared-trace';
import { logsBySpan } from './span-logs';

const TRACE = 'ab'.repeat(16);
const trace = prepareTrace([
  partFromSketches(
    TRACE,
    [
      { id: 'root', parent: '', start: 0, end: 20, service: 'gateway', name: 'POST /checkout', error: false },
      { id: 'charge', parent: 'root', start: 5, end: 15, service: 'payments', name: 'charge', error: false },
      { id: 'db', parent: 'charge', start: 8, end: 11, service: 'payments', name: 'SELECT', error: false },
    ],
    1_000n,
  ),
]);

function entry(fields: Partial<LogEntry> & { at: number }): LogEntry {
  return {
    timeUnixNano: String(1_000 + fields.at),
    time: '',
    service: 'payments',
    severity: 'info',
    severityNumber: 9,
    severityText: '',
    body: `at ${fields.at}`,
    traceId: '',
    spanId: '',
    correlationId: 'corr',
    attributes: {},
    resource: {},
    ...fields,
  };
}

test('by span id first, then by service and time (deepest span); sorted by time', () => {
  const root = trace.nodeOf.get('root')!;
  const charge = trace.nodeOf.get('charge')!;
  const db = trace.nodeOf.get('db')!;
  const marks = logsBySpan(trace, [
    entry({ at: 12, spanId: 'charge', traceId: TRACE }),
    entry({ at: 6, spanId: 'charge', traceId: TRACE }),
    entry({ at: 9 }), // payments, no span id: inside db (deeper than charge)
    entry({ at: 13 }), // payments, no span id: only charge contains it
    entry({ at: 3, service: 'gateway', severity: 'error' }),
    entry({ at: 30 }), // outside every payments span: not placed
    entry({ at: 2, service: 'inventory' }), // no span of that service
    entry({ at: 4, service: 'gateway', spanId: 'db', traceId: 'cd'.repeat(16) }), // another trace's span id: by service/time
  ]);
  assert.deepEqual(
    marks.get(charge)!.map((m) => [m.offsetNs, m.inferred]),
    [
      [6, false],
      [12, false],
      [13, true],
    ],
  );
  assert.deepEqual(marks.get(db)!.map((m) => [m.offsetNs, m.inferred]), [[9, true]]);
  assert.deepEqual(
    marks.get(root)!.map((m) => [m.offsetNs, m.entry.severity, m.inferred]),
    [
      [3, 'error', true],
      [4, 'info', true],
    ],
  );
  assert.equal([...marks.values()].flat().length, 6);
});
