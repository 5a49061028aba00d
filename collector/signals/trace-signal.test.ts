import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinedBinary } from '../pipeline/signal';
import { emptySpan, type TraceBatch } from '../../lib/domain/model';
import { encodeSpanRows, mergeSpanRows } from '../store/span-rows';
import { spanRowsCodec } from './trace-signal';

function batch(service: string, names: readonly string[]): TraceBatch {
  const spans = names.map((name, i) => {
    const s = emptySpan();
    s.traceId = '5b8efff798038103d269b633813fc60c';
    s.spanId = (i + 1).toString(16).padStart(16, '0');
    s.name = name;
    s.startNs = 1_764_000_000_000_000_000n + BigInt(i);
    s.endNs = s.startNs + 1_000_000n;
    s.attributes = { 'http.route': `/${name}`, note: 'tab\there \\ back' };
    return s;
  });
  return {
    resourceSpans: [{ resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 }, serviceName: service, schemaUrl: '', scopeSpans: [{ scope: { name: 't', version: '1', attributes: {} }, schemaUrl: '', spans }] }],
    spanCount: spans.length,
    rejectedSpans: 0,
    rejectionMessage: '',
  };
}

test("the write-ahead log's binary form and the spool's JSON form give back the same span rows", () => {
  const rows = mergeSpanRows([encodeSpanRows(batch('café', ['GET 日本', 'tab\tname'])), encodeSpanRows(batch('orders', ['POST /x']))]);
  assert.deepStrictEqual(spanRowsCodec.fromBinary!(joinedBinary(spanRowsCodec.toBinary!(rows))), rows);
  assert.deepStrictEqual(spanRowsCodec.fromJson(JSON.parse(JSON.stringify(spanRowsCodec.toJson(rows)))), rows);
});
