// Golden round trip: spans recorded by the official OpenTelemetry JS SDK, serialized by the
// official otlp-transformer serializers (the ones the OTLP exporters use), decoded by ours. Both
// encodings must decode to exactly what the SDK recorded, and to each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expectedBatchFromSdk } from '../../../tests/fixtures/otlp/sdk-expected';
import {
  REMOTE_PARENT_SPAN_ID,
  REMOTE_TRACE_ID,
  hrTimeToNanos,
  recordRealisticSpans,
  recordWideSpans,
} from '../../../tests/fixtures/otlp/sdk-spans';
import type { Span, TraceBatch } from '../../../lib/domain/model';
import { decodeTraceRequestJson } from './decode-trace-json';
import { decodeTraceRequestProto } from './decode-trace-proto';

function serialize(spans: ReadableSpan[]): { proto: Uint8Array; json: string } {
  const proto = ProtobufTraceSerializer.serializeRequest(spans);
  const json = JsonTraceSerializer.serializeRequest(spans);
  assert.ok(proto && json);
  return { proto, json: new TextDecoder().decode(json) };
}

function allSpans(batch: TraceBatch): Span[] {
  return batch.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

function spanNamed(batch: TraceBatch, name: string): Span {
  const span = allSpans(batch).find((s) => s.name === name);
  assert.ok(span, `no span named ${name}`);
  return span;
}

test('SDK spans round-trip through OTLP protobuf and OTLP/JSON to the same TraceBatch', () => {
  const spans = recordRealisticSpans();
  const { proto, json } = serialize(spans);
  const expected = expectedBatchFromSdk(spans);

  const fromProto = decodeTraceRequestProto(proto);
  const fromJson = decodeTraceRequestJson(json);

  assert.deepStrictEqual(fromProto, expected);
  assert.deepStrictEqual(fromJson, expected);
  assert.deepStrictEqual(fromJson, fromProto);
});

test('the round trip keeps ids, nanosecond times, every attribute type, events, links and status', () => {
  const spans = recordRealisticSpans();
  const { proto, json } = serialize(spans);
  for (const batch of [decodeTraceRequestProto(proto), decodeTraceRequestJson(json)]) {
    assert.equal(batch.spanCount, 5);
    assert.deepEqual(
      batch.resourceSpans.map((rs) => [rs.serviceName, rs.scopeSpans.map((ss) => [ss.scope.name, ss.scope.version, ss.schemaUrl, ss.spans.length])]),
      [
        ['checkout', [['meshlight.fixture.http', '1.4.0', '', 3], ['meshlight.fixture.queue', '2.0.0', 'https://opentelemetry.io/schemas/1.26.0', 1]]],
        ['fulfilment', [['meshlight.fixture.worker', '', '', 1]]],
      ],
    );

    const server = spanNamed(batch, 'GET /checkout/:id');
    const sdkServer = spans.find((s) => s.name === 'GET /checkout/:id')!;
    assert.equal(server.traceId, REMOTE_TRACE_ID);
    assert.equal(server.spanId, sdkServer.spanContext().spanId);
    assert.equal(server.parentSpanId, REMOTE_PARENT_SPAN_ID);
    assert.equal(server.traceState, 'vendor=abc,other=42');
    assert.equal(server.flags, 0x301, 'sampled, parent is-remote known and set');
    assert.equal(server.kind, 2);
    assert.equal(server.startNs, 1_763_700_000_000_000_000n);
    assert.equal(server.endNs, 1_763_700_000_020_000_000n);
    assert.equal(server.statusCode, 1);
    assert.deepStrictEqual(server.attributes, {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'http.route': '/checkout/:id',
      'server.load_ratio': 0.75,
      'feature.enabled': true,
      'cart.tags': ['gift', 'express'],
      'retry.delays_ms': [100, 200, 400],
      'cart.weights_kg': [0.5, 1.25],
      'cart.flags': [true, false, true],
      'cart.sparse': ['a', null, 'c'],
      'int.beyond_safe': '1152921504606846976',
      'int.negative': -42,
      'int.max_safe': 9007199254740991,
      'text.unicode': 'zażółć gęślą jaźń 🚀',
      'text.empty': '',
      'text.long': 'x'.repeat(300),
      'payload.bytes': 'AAEC+v8=',
      'request.context': { user: 'u-17', attempt: 2, nested: { ok: true, ratios: [0.1, 0.2] } },
    });

    const validate = spanNamed(batch, 'validate-cart');
    assert.equal(validate.parentSpanId, server.spanId);
    assert.equal(validate.kind, 1);
    assert.equal(validate.startNs, 1_763_700_000_001_000_123n);
    assert.equal(validate.endNs, 1_763_700_000_004_000_999n);
    assert.deepStrictEqual(validate.events, [
      { timeNs: 1_763_700_000_001_500_001n, name: 'cache.miss', attributes: { 'cache.key': 'cart:17', 'cache.size': 3 }, droppedAttributesCount: 0 },
    ]);

    const payment = spanNamed(batch, 'POST payments');
    assert.equal(payment.kind, 3);
    assert.equal(payment.statusCode, 2);
    assert.equal(payment.statusMessage, 'card declined');
    assert.equal(payment.events[0]?.name, 'exception');
    assert.equal(payment.events[0]?.timeNs, 1_763_700_000_009_999_999n);
    assert.equal(payment.events[0]?.attributes['exception.message'], 'card declined');

    assert.equal(spanNamed(batch, 'publish order').kind, 4);

    const consume = spanNamed(batch, 'process order');
    const publish = spanNamed(batch, 'publish order');
    assert.equal(consume.kind, 5);
    assert.equal(consume.parentSpanId, '');
    assert.notEqual(consume.traceId, server.traceId);
    assert.deepStrictEqual(consume.links, [
      {
        traceId: publish.traceId,
        spanId: publish.spanId,
        traceState: 'vendor=link',
        attributes: { 'messaging.batch.index': 0, 'link.reason': 'follows-from' },
        droppedAttributesCount: 0,
        flags: 0x101,
      },
    ]);
  }
});

test('a large SDK batch decodes identically from both encodings', () => {
  const spans = recordWideSpans(500, 20);
  const { proto, json } = serialize(spans);
  const fromProto = decodeTraceRequestProto(proto);
  assert.equal(fromProto.spanCount, 500);
  assert.deepStrictEqual(fromProto, expectedBatchFromSdk(spans));
  assert.deepStrictEqual(decodeTraceRequestJson(json), fromProto);
  const first = spans[0]!;
  assert.equal(allSpans(fromProto)[0]?.startNs, hrTimeToNanos(first.startTime));
});
