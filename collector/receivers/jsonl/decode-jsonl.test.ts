import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { allLogRecords } from '../../../lib/domain/logs/model';
import { decodeJsonLines } from './decode-jsonl';

const options = { receivedNs: 1_800_000_000_000_000_000n, service: '' };

async function realPinoOutput(): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const logger = pino({ name: 'payments' }, sink);
  logger.info({ correlation_id: 'c-1' }, 'charge started');
  logger.child({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }).error({ amount: 12.5 }, 'charge failed');
  logger.debug('hidden at default level');
  await new Promise((resolve) => setImmediate(resolve));
  return text;
}

test('real pino output: every line kept, one resource per ?service=', async () => {
  const text = await realPinoOutput();
  const { batch, lineErrors } = decodeJsonLines(text, { ...options, service: 'payments-api' });
  assert.deepEqual(lineErrors, []);
  assert.equal(batch.recordCount, 2);
  assert.deepEqual(batch.resourceLogs.map((rl) => rl.serviceName), ['payments-api']);
  const [started, failed] = allLogRecords(batch);
  assert.equal(started!.correlationId, 'c-1');
  assert.equal(started!.severityNumber, 9);
  assert.ok(started!.timeUnixNano > 1_700_000_000_000_000_000n, 'pino time in ms, converted');
  assert.equal(failed!.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(failed!.attributes.amount, 12.5);
  assert.equal(failed!.attributes.name, 'payments');
});

test('a bad line is reported by its line number; good lines are kept; CRLF and blank lines are fine', () => {
  const text = ['{"level":30,"msg":"one","service":"a"}', '', '{"level":30,"msg":"two"', '[1,2]', '{"msg":"three","service":"b"}\r', ''].join('\n');
  const { batch, lineErrors } = decodeJsonLines(text, options);
  assert.equal(batch.recordCount, 2);
  assert.equal(batch.rejectedRecords, 2);
  assert.deepEqual(lineErrors.map((e) => e.line), [3, 4]);
  assert.match(lineErrors[0]!.message, /invalid JSON/);
  assert.match(lineErrors[1]!.message, /expected a JSON object, got an array/);
  assert.match(batch.rejectionMessage, /^line 3: invalid JSON.*; line 4: expected a JSON object/);
  assert.deepEqual(batch.resourceLogs.map((rl) => rl.serviceName), ['a', 'b']);
  assert.equal(decodeJsonLines('', options).batch.recordCount, 0);
});
