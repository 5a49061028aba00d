import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { AttributeValue } from '../../lib/domain/model';
import { extractCorrelation } from '../../lib/domain/logs/correlation';
import { emptyLogRecord, type LogBatch, type LogRecord } from '../../lib/domain/logs/model';
import { CommonTermLearner } from '../../lib/domain/logs/log-terms';
import { LOG_COPY_COLUMNS, describeLogRows, encodeLogRows, logRowsBytes, logRowsFromBinary, logRowsFromJson, logRowsToBinary, logRowsToJson, mergeLogRows, splitLogRows, type LogRows } from './log-rows';

function batch(bodies: string[], service = 'api'): LogBatch {
  const records = bodies.map((body, i) => ({
    ...emptyLogRecord(),
    timeUnixNano: 1_763_700_000_000_000_000n + BigInt(i),
    observedTimeUnixNano: 1_763_700_000_500_000_000n,
    severityNumber: 9,
    severityText: 'INFO',
    body,
    attributes: { i },
    traceId: i === 0 ? 'aa'.repeat(16) : '',
    correlationId: i === 0 ? 'c-1' : '',
  }));
  return {
    resourceLogs: [{ resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 }, serviceName: service, schemaUrl: '', scopeLogs: [{ scope: { name: 's', version: '', attributes: {} }, schemaUrl: '', records }] }],
    recordCount: records.length,
    rejectedRecords: 0,
    rejectionMessage: '',
  };
}

/** The rows' COPY text. */
function textOf(rows: LogRows): string {
  return rows.copyBytes.toString();
}

test('one COPY line per record, escaped, with the learned correlation link', () => {
  const rows = encodeLogRows(batch(['line one', 'tab\there\nnewline \\ back', 'nul\u0000']));
  assert.equal(rows.recordCount, 3);
  const lines = textOf(rows).split('\n').slice(0, -1);
  assert.equal(lines.length, 3);
  for (const line of lines) assert.equal(line.split('\t').length, LOG_COPY_COLUMNS.length);
  const first = lines[0]!.split('\t');
  assert.equal(first[0], '1763700000000000000');
  assert.equal(first[2], 'api');
  assert.equal(first[6], `\\\\x${'aa'.repeat(16)}`);
  assert.equal(first[7], '\\N', 'no span id');
  assert.equal(first[8], 'c-1');
  assert.equal(lines[1]!.split('\t')[5], 'tab\\there\\nnewline \\\\ back');
  assert.ok(!textOf(rows).includes('\u0000'), 'NUL replaced');
  assert.deepEqual(rows.days, new Set([20413]));
  assert.deepEqual(rows.correlations.map((c) => [c.correlationId, c.traceId, c.serviceName]), [['c-1', 'aa'.repeat(16), 'api']]);
  assert.ok(logRowsBytes(rows) > rows.copyBytes.length);
  assert.match(describeLogRows(rows), /^1763700000000000000\t/);
});

test('merge, split and the spool form keep every record and dictionary row', () => {
  const a = encodeLogRows(batch(['a1', 'a2'], 'a'));
  const b = encodeLogRows(batch(['b1', 'b2', 'b3'], 'b'));
  const merged = mergeLogRows([a, b]);
  assert.equal(merged.recordCount, 5);
  assert.equal(merged.resources.size, 2);
  const [left, right] = splitLogRows(merged);
  assert.equal(left.recordCount + right.recordCount, 5);
  assert.equal(textOf(left) + textOf(right), textOf(merged));
  assert.deepEqual(splitLogRows(left).map((half) => half.recordCount), [2, 1]);
  assert.equal(left.correlations.length + right.correlations.length, merged.correlations.length);
  const back = logRowsFromJson(JSON.parse(JSON.stringify(logRowsToJson(merged))));
  assert.deepStrictEqual(back, merged);
});

test("the write-ahead log's binary form gives back the same rows, non-ASCII and escapes included", () => {
  const rows = mergeLogRows([encodeLogRows(batch(['café\tout', 'tab\there', '日本 \\ back', 'line\nbreak'], 'x')), encodeLogRows(batch(['y1'], 'y'))]);
  assert.deepStrictEqual(logRowsFromBinary(Buffer.concat(logRowsToBinary(rows))), rows);
});

test('attributes jsonb cannot hold (NUL, a lone surrogate) are replaced; a body with a literal \\u is written as is', () => {
  const input = batch(['C:\\users\\ud800 is a path', 'x', 'y']);
  const records = input.resourceLogs[0]!.scopeLogs[0]!.records;
  records[1]!.attributes = { k: 'nul\u0000' };
  records[2]!.attributes = { k: 'lone \ud83d surrogate', [`key\ud800`]: 1 };
  const lines = textOf(encodeLogRows(input)).split('\n').slice(0, -1);
  assert.equal(lines[0]!.split('\t')[5], 'C:\\\\users\\\\ud800 is a path', 'not JSON: kept');
  assert.deepEqual(JSON.parse(lines[1]!.split('\t')[13]!.replaceAll('\\\\', '\\')), { k: 'nul\uFFFD' });
  assert.deepEqual(JSON.parse(lines[2]!.split('\t')[13]!.replaceAll('\\\\', '\\')), { k: 'lone \uFFFD surrogate', 'key\uFFFD': 1 });
});

test('each row carries its terms; the terms the learner adopted are left out', () => {
  const learner = new CommonTermLearner(() => {});
  learner.adopt(['order']);
  const lines = textOf(encodeLogRows(batch(['Order 42 shipped', 'order']), learner)).split('\n').slice(0, -1);
  assert.deepEqual(
    lines.map((line) => line.split('\t').at(-1)),
    ["'42' 'shipped'", ''],
  );
  assert.equal(textOf(encodeLogRows(batch(['Order 42']))).split('\n')[0]!.split('\t').at(-1), "'order' '42'", 'no learner: every term');
});

test('a spool from before the terms column gets it, computed from the body', () => {
  const rows = encodeLogRows(batch(['Tab\there id=7', 'back\\slash']));
  const old = { ...logRowsToJson(rows), columns: undefined, copyText: textOf(rows).replace(/\t[^\t\n]*\n/g, '\n') };
  assert.equal(textOf(logRowsFromJson(JSON.parse(JSON.stringify(old)))), textOf(rows));
});

/** A deterministic batch with the cases the encoder treats apart (escapes, NUL, surrogates, case, long and many tokens, correlation keys). */
function goldenBatch(): LogBatch {
  const words = ['Order', 'payment', 'DECLINED', 'café', 'naïve', 'x'.repeat(70), 'id=42', 'tab\there', 'back\\slash', 'line\nbreak', 'cr\rlf', 'nul\u0000', 'lone\ud800', '日本語', '😀emoji', 'a_b-c.d'];
  const keys: Array<[string, AttributeValue]> = [
    ['trace_id', 'AB'.repeat(16)],
    ['dd.trace_id', '1234567890123'],
    ['trace', { id: 'cd'.repeat(8) }],
    ['span.id', 'ef'.repeat(8)],
    ['x-request-id', ['req-1']],
    ['requestId', 77],
    ['correlation_id', ' c-9 '],
    ['note', 'quote " back \\ nl \n tab \t'],
    ['bad', 'nul\u0000 lone \udc00'],
  ];
  const records: LogRecord[] = [];
  for (let i = 0; i < 120; i++) {
    let body = '';
    const n = i % 7 === 0 ? 60 : 3 + (i % 11);
    for (let k = 0; k < n; k++) body += `${words[(i * 5 + k * (i % 3 === 0 ? k : 3)) % words.length]}${i % 7 === 0 ? k : ''} `;
    const [key, value] = keys[i % keys.length]!;
    const record: LogRecord = {
      ...emptyLogRecord(),
      timeUnixNano: i % 13 === 0 ? 0n : 1_763_700_000_000_000_000n + BigInt(i) * 3_600_000_000_000n,
      observedTimeUnixNano: 1_763_700_000_500_000_000n + BigInt(i),
      severityNumber: i % 25,
      severityText: i % 4 === 0 ? '' : ['INFO', 'Warn\t!', 'ERR\\OR'][i % 3]!,
      body,
      attributes: { [key]: value, n: i, ok: i % 2 === 0, f: i / 8, nested: { a: [1, 'two', null] } },
      traceId: i % 10 === 0 ? '0f'.repeat(16) : '',
      spanId: i % 20 === 0 ? '1e'.repeat(8) : '',
      flags: i % 3,
      eventName: i % 6 === 0 ? 'evt' : '',
      droppedAttributesCount: i % 5,
    };
    extractCorrelation(record, record.attributes);
    records.push(record);
  }
  const resource = (service: string) => ({ attributes: { 'service.name': service }, droppedAttributesCount: 0 });
  return {
    resourceLogs: [
      { resource: resource('api\tgw'), serviceName: 'api\tgw', schemaUrl: '', scopeLogs: [{ scope: { name: 's', version: '1', attributes: {} }, schemaUrl: '', records: records.slice(0, 70) }] },
      { resource: resource('worker'), serviceName: 'worker', schemaUrl: '', scopeLogs: [{ scope: { name: 't', version: '', attributes: {} }, schemaUrl: '', records: records.slice(70) }] },
    ],
    recordCount: records.length,
    rejectedRecords: 0,
    rejectionMessage: '',
  };
}

function digestOf(rows: LogRows): string {
  const bigints = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  return createHash('sha256')
    .update(rows.copyBytes)
    .update(JSON.stringify([rows.recordCount, [...rows.days], [...rows.resources.values()], [...rows.scopes.values()], rows.correlations], bigints))
    .digest('hex');
}

// The encoder is tuned for speed (one pass per body, native scans instead of regex tests): its
// output must stay byte for byte what it was. These digests are of the rows encoded by 0028549, the
// commit before that tuning; a deliberate change of the COPY text must update them.
test('the encoded rows of a fixture of edge cases are byte-identical to the reference encoder', () => {
  const learner = new CommonTermLearner(() => {});
  learner.adopt(['payment', 'order', 'x']);
  assert.equal(digestOf(encodeLogRows(goldenBatch())), '6fba2343d74016fcf4d697959e874f1b351bae58381135a9f1ad3658b746521e');
  assert.equal(digestOf(encodeLogRows(goldenBatch(), learner)), '6a8ef71c2da15bef4f07aade6893f3ea2cbb090b2557988a994a687e1352e2d7');
});

test('each batch carries its volume by minute, service and severity range; merge, split and the log forms keep it', () => {
  const first = encodeLogRows(batch(['a', 'b', 'c'], 'api'));
  const minuteMs = Math.floor(1_763_700_000_000 / 60_000) * 60_000;
  assert.deepEqual(first.volume, [[minuteMs, 'api', 9, 3]]);
  const second = encodeLogRows(batch(['d', 'e'], 'web'));
  const merged = mergeLogRows([first, second, encodeLogRows(batch(['f'], 'api'))]);
  assert.deepEqual(merged.volume, [
    [minuteMs, 'api', 9, 4],
    [minuteMs, 'web', 9, 2],
  ]);
  const [left, right] = splitLogRows(merged);
  assert.deepEqual(left.volume, [[minuteMs, 'api', 9, 3]]);
  assert.deepEqual(right.volume, [
    [minuteMs, 'api', 9, 1],
    [minuteMs, 'web', 9, 2],
  ]);
  assert.deepEqual(logRowsFromBinary(Buffer.concat(logRowsToBinary(merged))).volume, merged.volume);
  const before = { ...logRowsToJson(merged), volume: undefined };
  assert.deepEqual(logRowsFromJson(JSON.parse(JSON.stringify(before))).volume, merged.volume, 'rows from before the rollup: counted from the COPY text');
});
