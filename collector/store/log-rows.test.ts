import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyLogRecord, type LogBatch } from '../../lib/domain/logs/model';
import { CommonTermLearner } from '../../lib/domain/logs/log-terms';
import { LOG_COPY_COLUMNS, describeLogRows, encodeLogRows, logRowsBytes, logRowsFromBinary, logRowsFromJson, logRowsToBinary, logRowsToJson, mergeLogRows, splitLogRows } from './log-rows';

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

test('one COPY line per record, escaped, with the learned correlation link', () => {
  const rows = encodeLogRows(batch(['line one', 'tab\there\nnewline \\ back', 'nul\u0000']));
  assert.equal(rows.recordCount, 3);
  const lines = rows.copyText.split('\n').slice(0, -1);
  assert.equal(lines.length, 3);
  for (const line of lines) assert.equal(line.split('\t').length, LOG_COPY_COLUMNS.length);
  const first = lines[0]!.split('\t');
  assert.equal(first[0], '1763700000000000000');
  assert.equal(first[2], 'api');
  assert.equal(first[6], `\\\\x${'aa'.repeat(16)}`);
  assert.equal(first[7], '\\N', 'no span id');
  assert.equal(first[8], 'c-1');
  assert.equal(lines[1]!.split('\t')[5], 'tab\\there\\nnewline \\\\ back');
  assert.ok(!rows.copyText.includes('\u0000'), 'NUL replaced');
  assert.deepEqual(rows.days, new Set([20413]));
  assert.deepEqual(rows.correlations.map((c) => [c.correlationId, c.traceId, c.serviceName]), [['c-1', 'aa'.repeat(16), 'api']]);
  assert.ok(logRowsBytes(rows) > rows.copyText.length);
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
  assert.equal(left.copyText + right.copyText, merged.copyText);
  assert.equal(left.correlations.length + right.correlations.length, merged.correlations.length);
  const back = logRowsFromJson(JSON.parse(JSON.stringify(logRowsToJson(merged))));
  assert.deepStrictEqual(back, merged);
});

test("the write-ahead log's binary form gives back the same rows, non-ASCII and escapes included", () => {
  const rows = mergeLogRows([encodeLogRows(batch(['café\tout', 'tab\there', '日本 \\ back', 'line\nbreak'], 'x')), encodeLogRows(batch(['y1'], 'y'))]);
  assert.deepStrictEqual(logRowsFromBinary(logRowsToBinary(rows)), rows);
});

test('attributes jsonb cannot hold (NUL, a lone surrogate) are replaced; a body with a literal \\u is written as is', () => {
  const input = batch(['C:\\users\\ud800 is a path', 'x', 'y']);
  const records = input.resourceLogs[0]!.scopeLogs[0]!.records;
  records[1]!.attributes = { k: 'nul\u0000' };
  records[2]!.attributes = { k: 'lone \ud83d surrogate', [`key\ud800`]: 1 };
  const lines = encodeLogRows(input).copyText.split('\n').slice(0, -1);
  assert.equal(lines[0]!.split('\t')[5], 'C:\\\\users\\\\ud800 is a path', 'not JSON: kept');
  assert.deepEqual(JSON.parse(lines[1]!.split('\t')[13]!.replaceAll('\\\\', '\\')), { k: 'nul\uFFFD' });
  assert.deepEqual(JSON.parse(lines[2]!.split('\t')[13]!.replaceAll('\\\\', '\\')), { k: 'lone \uFFFD surrogate', 'key\uFFFD': 1 });
});

test('each row carries its terms; the terms the learner adopted are left out', () => {
  const learner = new CommonTermLearner(() => {});
  learner.adopt(['order']);
  const lines = encodeLogRows(batch(['Order 42 shipped', 'order']), learner).copyText.split('\n').slice(0, -1);
  assert.deepEqual(
    lines.map((line) => line.split('\t').at(-1)),
    ["'42' 'shipped'", ''],
  );
  assert.equal(encodeLogRows(batch(['Order 42'])).copyText.split('\n')[0]!.split('\t').at(-1), "'order' '42'", 'no learner: every term');
});

test('a spool from before the terms column gets it, computed from the body', () => {
  const rows = encodeLogRows(batch(['Tab\there id=7', 'back\\slash']));
  const old = { ...logRowsToJson(rows), columns: undefined, copyText: rows.copyText.replace(/\t[^\t\n]*\n/g, '\n') };
  assert.equal(logRowsFromJson(JSON.parse(JSON.stringify(old))).copyText, rows.copyText);
});
