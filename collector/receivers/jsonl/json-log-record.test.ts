// Lives beside the JSON-lines receiver rather than in lib/domain because it runs the real pino.
// JSON log lines from real loggers: pino output captured from the pino package itself, and the
// documented shapes of bunyan and winston (neither is a dependency).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { logRecordFromJson } from '../../../lib/domain/logs/json-log-record';

const RECEIVED = 1_800_000_000_000_000_000n;

function pinoLines(write: (logger: pino.Logger) => void): string[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ base: { pid: 4242, hostname: 'web-1' }, timestamp: () => ',"time":1763700000123' }, sink);
  write(logger);
  return lines;
}

test('pino: level number, ms time, msg, nested objects flattened, ids extracted', () => {
  const [line] = pinoLines((logger) =>
    logger.child({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' }).warn(
      { correlation_id: 'corr-1', req: { method: 'POST', url: '/checkout', headers: { 'x-request-id': 'r-9' } }, items: [1, 2] },
      'payment slow',
    ),
  );
  const { record } = logRecordFromJson(JSON.parse(line!), line!, { receivedNs: RECEIVED });
  assert.equal(record.timeUnixNano, 1_763_700_000_123_000_000n);
  assert.equal(record.observedTimeUnixNano, RECEIVED);
  assert.equal(record.severityNumber, 13);
  assert.equal(record.severityText, 'warn');
  assert.equal(record.body, 'payment slow');
  assert.equal(record.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(record.spanId, '00f067aa0ba902b7');
  assert.equal(record.correlationId, 'corr-1');
  assert.deepStrictEqual(record.attributes, {
    pid: 4242,
    hostname: 'web-1',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    correlation_id: 'corr-1',
    'req.method': 'POST',
    'req.url': '/checkout',
    'req.headers.x-request-id': 'r-9',
    items: [1, 2],
  });
});

test('pino: errors serialize to err.* attributes; fatal is severity 21', () => {
  const [line] = pinoLines((logger) => logger.fatal(new Error('boom')));
  const { record } = logRecordFromJson(JSON.parse(line!), line!, { receivedNs: RECEIVED });
  assert.equal(record.severityNumber, 21);
  assert.equal(record.body, 'boom');
  assert.equal(record.attributes['err.type'], 'Error');
  assert.match(String(record.attributes['err.stack']), /^Error: boom/);
});

test('bunyan shape: ISO time, name, v', () => {
  const line = '{"name":"orders","hostname":"h","pid":7,"level":50,"msg":"db down","time":"2012-02-24T05:24:57.467Z","v":0,"requestId":"abc"}';
  const { record, service } = logRecordFromJson(JSON.parse(line), line, { receivedNs: RECEIVED });
  assert.equal(record.timeUnixNano, BigInt(Date.parse('2012-02-24T05:24:57.467Z')) * 1_000_000n);
  assert.equal(record.severityNumber, 17);
  assert.equal(record.correlationId, 'abc');
  assert.equal(service, '');
  assert.equal(record.attributes.name, 'orders');
});

test('winston shape: level name, message, timestamp; service field; no message keeps the line', () => {
  const line = '{"level":"info","message":"listening","timestamp":"2024-05-01T10:00:00.000Z","service":"api","traceId":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}';
  const { record, service } = logRecordFromJson(JSON.parse(line), line, { receivedNs: RECEIVED });
  assert.equal(record.severityNumber, 9);
  assert.equal(record.body, 'listening');
  assert.equal(service, 'api');
  assert.equal(record.traceId, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
  const bare = '{"event":"tick"}';
  const result = logRecordFromJson(JSON.parse(bare), bare, { receivedNs: RECEIVED });
  assert.equal(result.record.body, bare);
  assert.equal(result.record.timeUnixNano, 0n);
});
