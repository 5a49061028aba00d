// The live tail of logs through the real collector: a `ws` client subscribes on /live with a filter,
// logs arrive over JSON lines and OTLP/JSON, and only the matching records come back, in frames of
// at most 200 records whose `dropped` counts the rest; a LogQL filter; a bad LogQL answered with an
// error frame; unsubscribing stops the frames.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { parseLiveMessage, type LiveMessage } from '../../lib/contracts/live-messages';
import { MAX_TAIL_RECORDS_PER_FRAME, type LiveClientMessage, type LogTailMessage } from '../../lib/contracts/log-tail';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { startTestCollector } from '../support/test-collector';
import { postJsonLines } from '../support/json-lines';

let database: ScratchDatabase;
let collector: Awaited<ReturnType<typeof startTestCollector>>;
let base: string;

before(async () => {
  database = await createScratchDatabase('meshlight_logs_live_tail');
  collector = await startTestCollector(database.url);
  base = `http://127.0.0.1:${collector.httpPort}`;
});

after(async () => {
  await collector?.stop();
  await database?.drop();
});

/** A /live connection that keeps every log-tail message it receives. */
async function tailClient() {
  const socket = new WebSocket(`ws://127.0.0.1:${collector.httpPort}/live`);
  const messages: LiveMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    const message = parseLiveMessage(String(data));
    if (!message) return;
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    send(message: LiveClientMessage) {
      socket.send(JSON.stringify(message));
    },
    tails: () => messages.filter((m): m is LogTailMessage => m.type === 'log-tail'),
    errors: () => messages.filter((m) => m.type === 'log-tail-error'),
    /** Resolves once `ready()` holds, checked after each message. */
    async until(ready: () => boolean, what: string, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!ready()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200).unref();
        });
      }
    },
    close: () => socket.close(),
  };
}

const sendLines = (service: string, lines: object[]) => postJsonLines(base, service, lines);

/** Lets the subscription message reach the collector before logs are sent. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
}

test('a subscription gets the matching records only, with the API entry shape', async () => {
  const client = await tailClient();
  client.send({ type: 'subscribe-logs', id: 't1', filter: { service: 'payments', severities: ['error', 'fatal'], q: 'declined' } });
  await settle();
  const now = Date.now();
  await sendLines('payments', [
    { level: 30, time: now, msg: 'charging card', correlation_id: 'c-1' },
    { level: 50, time: now + 1, msg: 'card DECLINED by issuer', correlation_id: 'c-1', trace_id: 'c0ffee00c0ffee00c0ffee00c0ffee00', code: 'card_declined' },
    { level: 50, time: now + 2, msg: 'database timeout' },
  ]);
  await sendLines('gateway', [{ level: 50, time: now + 3, msg: 'upstream declined' }]);
  await client.until(() => client.tails().length > 0, 'a log-tail frame');
  await new Promise((resolve) => setTimeout(resolve, 500)); // any wrong record would arrive by now
  const records = client.tails().flatMap((m) => m.records);
  assert.equal(records.length, 1, JSON.stringify(records));
  const [entry] = records;
  assert.equal(entry!.service, 'payments');
  assert.equal(entry!.severity, 'error');
  assert.equal(entry!.body, 'card DECLINED by issuer');
  assert.equal(entry!.traceId, 'c0ffee00c0ffee00c0ffee00c0ffee00');
  assert.equal(entry!.correlationId, 'c-1');
  assert.equal(entry!.attributes.code, 'card_declined');
  assert.equal(entry!.timeUnixNano, String(BigInt(now + 1) * 1_000_000n));
  assert.equal(client.tails()[0]!.id, 't1');
  client.close();
});

test('a LogQL filter; a metric query or bad LogQL is answered with an error frame', async () => {
  const client = await tailClient();
  client.send({ type: 'subscribe-logs', id: 'bad', filter: { logql: 'sum(count_over_time({service_name="x"}[1m]))' } });
  await client.until(() => client.errors().length > 0, 'an error frame');
  assert.match(JSON.stringify(client.errors()[0]), /metric query/);
  client.send({ type: 'subscribe-logs', id: 'q', filter: { logql: '{service_name="inventory"} | logfmt | qty > 5' } });
  await settle();
  const now = Date.now();
  await sendLines('inventory', [
    { level: 'info', time: now, msg: 'reserved qty=2' },
    { level: 'info', time: now + 1, msg: 'reserved qty=9' },
  ]);
  await client.until(() => client.tails().length > 0, 'a log-tail frame');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(
    client.tails().flatMap((m) => m.records.map((r) => r.body)),
    ['reserved qty=9'],
  );
  client.close();
});

test('a burst is bounded: at most 200 records a frame, the rest counted as dropped; unsubscribe stops the frames', async () => {
  const client = await tailClient();
  client.send({ type: 'subscribe-logs', id: 'burst', filter: { service: 'burst' } });
  await settle();
  const now = Date.now();
  const total = 1500;
  await sendLines(
    'burst',
    Array.from({ length: total }, (_, i) => ({ level: 30, time: now + i, msg: `line ${i}` })),
  );
  const seen = () => client.tails().reduce((n, m) => n + m.records.length + m.dropped, 0);
  await client.until(() => seen() >= total, 'every record sent or counted');
  assert.equal(seen(), total);
  for (const frame of client.tails()) assert.ok(frame.records.length <= MAX_TAIL_RECORDS_PER_FRAME);
  assert.ok(client.tails().some((m) => m.dropped > 0), 'some were dropped');
  assert.equal(client.tails()[0]!.records[0]!.body, 'line 0', 'oldest first');

  client.send({ type: 'unsubscribe-logs' });
  await settle();
  const frames = client.tails().length;
  await sendLines('burst', [{ level: 30, time: Date.now(), msg: 'after unsubscribing' }]);
  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.equal(client.tails().length, frames, 'no frame after unsubscribing');
  client.close();
});
