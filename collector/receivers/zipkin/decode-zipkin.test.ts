// Zipkin decoders: JSON v2 as zipkin-js's own JSON_V2 encoder writes it, proto3 golden bytes from
// protobufjs (an official-grade serializer) over zipkin.proto's ListOfSpans, v1 JSON, the mapping to
// the OpenTelemetry model, truncation at every offset and bad input as MalformedPayloadError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { jsonEncoder, model, option, TraceId } from 'zipkin';
import { SpanKind, StatusCode } from '../../../lib/domain/model';
import { MalformedPayloadError } from '../otlp/malformed';
import { decodeZipkinJsonV1, decodeZipkinJsonV2, decodeZipkinProto } from './decode-zipkin';
import { sharedServerSpanId, zipkinSpansToBatch, type ZipkinSpan } from './zipkin-to-batch';

const TRACE = '5af7183fb1d4cf5f';
const CLIENT: ZipkinSpan = {
  traceId: TRACE,
  parentId: '6b221d5bc9e6496c',
  id: '352bff9a74ca9ad2',
  kind: 'CLIENT',
  name: 'get /api',
  timestamp: 1556604172355737,
  duration: 1431,
  localEndpoint: { serviceName: 'frontend', ipv4: '192.168.99.1', port: 3306 },
  remoteEndpoint: { serviceName: 'backend', ipv4: '172.19.0.2', port: 9000 },
  annotations: [{ timestamp: 1556604172355800, value: 'wire send' }],
  tags: { 'http.method': 'GET', 'http.path': '/api', error: 'timeout' },
};

test('JSON v2 as zipkin-js encodes it maps to the OpenTelemetry model like the Collector`s zipkin receiver', () => {
  const span = new model.Span(new TraceId({ traceId: TRACE, parentId: new option.Some('6b221d5bc9e6496c'), spanId: '352bff9a74ca9ad2' }));
  span.setName('get /api');
  span.setKind('CLIENT');
  span.setTimestamp(1556604172355737);
  span.setDuration(1431);
  span.setLocalEndpoint(new model.Endpoint({ serviceName: 'frontend', ipv4: '192.168.99.1', port: 3306 }));
  span.setRemoteEndpoint(new model.Endpoint({ serviceName: 'backend', ipv4: '172.19.0.2', port: 9000 }));
  span.addAnnotation(1556604172355800, 'wire send');
  span.putTag('http.method', 'GET');
  span.putTag('http.path', '/api');
  span.putTag('error', 'timeout');
  const spans = decodeZipkinJsonV2(`[${jsonEncoder.JSON_V2.encode(span)}]`);
  assert.deepEqual(spans, [CLIENT]);

  const batch = zipkinSpansToBatch(spans);
  assert.equal(batch.spanCount, 1);
  assert.equal(batch.resourceSpans[0]!.serviceName, 'frontend');
  assert.deepEqual(batch.resourceSpans[0]!.resource.attributes, { 'service.name': 'frontend' });
  const s = batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(s.traceId, '00000000000000005af7183fb1d4cf5f', '64-bit trace ids are the low half');
  assert.equal(s.spanId, '352bff9a74ca9ad2');
  assert.equal(s.parentSpanId, '6b221d5bc9e6496c');
  assert.equal(s.kind, SpanKind.CLIENT);
  assert.equal(s.startNs, 1556604172355737000n);
  assert.equal(s.endNs, 1556604172355737000n + 1431000n);
  assert.equal(s.statusCode, StatusCode.ERROR);
  assert.equal(s.statusMessage, 'timeout');
  assert.deepEqual(s.attributes, {
    'http.method': 'GET',
    'http.path': '/api',
    'network.local.address': '192.168.99.1',
    'network.local.port': 3306,
    'peer.service': 'backend',
    'network.peer.address': '172.19.0.2',
    'network.peer.port': 9000,
    'server.address': 'backend',
    'server.port': 9000,
  });
  assert.deepEqual(s.events, [{ timeNs: 1556604172355800000n, name: 'wire send', attributes: {}, droppedAttributesCount: 0 }]);
});

test('kinds, status tags, scopes, shared server halves and services grouped into resources', () => {
  const batch = zipkinSpansToBatch([
    { traceId: TRACE, id: 'aaaaaaaaaaaaaaa1', kind: 'SERVER', shared: true, parentId: '6b221d5bc9e6496c', localEndpoint: { serviceName: 'backend' }, remoteEndpoint: { ipv4: '10.0.0.1' }, tags: { error: '' } },
    { traceId: TRACE, id: 'aaaaaaaaaaaaaaa2', localEndpoint: { serviceName: 'backend' }, tags: { 'span.kind': 'internal', 'otel.library.name': 'lib', 'otel.library.version': '2' } },
    { traceId: TRACE, id: 'aaaaaaaaaaaaaaa3', kind: 'PRODUCER', localEndpoint: { serviceName: 'frontend' }, tags: { 'otel.status_code': 'STATUS_CODE_OK' } },
    { traceId: TRACE, id: 'aaaaaaaaaaaaaaa4', kind: 'CONSUMER' },
  ]);
  assert.deepEqual(batch.resourceSpans.map((r) => r.serviceName), ['backend', 'frontend', 'unknown_service']);
  const [server, internal] = [batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, batch.resourceSpans[0]!.scopeSpans[1]!.spans[0]!];
  assert.equal(server.kind, SpanKind.SERVER);
  assert.equal(server.spanId, sharedServerSpanId('aaaaaaaaaaaaaaa1'));
  assert.notEqual(server.spanId, 'aaaaaaaaaaaaaaa1');
  assert.equal(server.parentSpanId, 'aaaaaaaaaaaaaaa1', 'a shared server half hangs under the client span it shares an id with');
  assert.equal(server.attributes['zipkin.shared'], true);
  assert.equal(server.attributes['client.address'], '10.0.0.1');
  assert.equal(server.statusCode, StatusCode.ERROR);
  assert.equal(internal.kind, SpanKind.INTERNAL);
  assert.deepEqual(batch.resourceSpans[0]!.scopeSpans[1]!.scope, { name: 'lib', version: '2', attributes: {} });
  assert.equal(batch.resourceSpans[1]!.scopeSpans[0]!.spans[0]!.statusCode, StatusCode.OK);
  assert.equal(batch.resourceSpans[2]!.scopeSpans[0]!.spans[0]!.kind, SpanKind.CONSUMER);
});

test('spans with invalid ids are rejected one by one', () => {
  const batch = zipkinSpansToBatch([
    { traceId: '0', id: 'aaaaaaaaaaaaaaa1' },
    { traceId: TRACE, id: '0000000000000000' },
    { traceId: TRACE, id: 'aaaaaaaaaaaaaaa3' },
  ]);
  assert.equal(batch.spanCount, 1);
  assert.equal(batch.rejectedSpans, 2);
  assert.match(batch.rejectionMessage, /spans\[0\]: invalid traceId/);
});

test('bad JSON v2 is a MalformedPayloadError naming the field', () => {
  const bad: Array<[string, RegExp]> = [
    ['{', /not JSON/],
    ['{}', /expected a JSON array/],
    ['[{"traceId":"xyz","id":"1"}]', /\[0\]\.traceId: expected 1 to 32 hex/],
    ['[{"traceId":"1","id":"1","kind":"SIDEWAYS"}]', /\[0\]\.kind/],
    ['[{"traceId":"1","id":"1","timestamp":"soon"}]', /\[0\]\.timestamp/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => decodeZipkinJsonV2(text), (e: unknown) => e instanceof MalformedPayloadError && message.test(e.message), text);
  }
});

// zipkin.proto (openzipkin/zipkin-api), the messages the decoder reads.
const ZIPKIN_PROTO = `
syntax = "proto3";
package zipkin.proto3;
message Span {
  bytes trace_id = 1; bytes parent_id = 2; bytes id = 3;
  enum Kind { SPAN_KIND_UNSPECIFIED = 0; CLIENT = 1; SERVER = 2; PRODUCER = 3; CONSUMER = 4; }
  Kind kind = 4; string name = 5; fixed64 timestamp = 6; uint64 duration = 7;
  Endpoint local_endpoint = 8; Endpoint remote_endpoint = 9;
  repeated Annotation annotations = 10; map<string, string> tags = 11; bool debug = 12; bool shared = 13;
}
message Endpoint { string service_name = 1; bytes ipv4 = 2; bytes ipv6 = 3; int32 port = 4; }
message Annotation { fixed64 timestamp = 1; string value = 2; }
message ListOfSpans { repeated Span spans = 1; }
`;

function goldenProto(): Uint8Array {
  const root = protobuf.parse(ZIPKIN_PROTO).root;
  const ListOfSpans = root.lookupType('zipkin.proto3.ListOfSpans');
  const hex = (text: string) => Buffer.from(text, 'hex');
  return ListOfSpans.encode(
    ListOfSpans.fromObject({
      spans: [
        {
          traceId: hex(TRACE),
          parentId: hex('6b221d5bc9e6496c'),
          id: hex('352bff9a74ca9ad2'),
          kind: 'CLIENT',
          name: 'get /api',
          timestamp: 1556604172355737,
          duration: 1431,
          localEndpoint: { serviceName: 'frontend', ipv4: Buffer.from([192, 168, 99, 1]), port: 3306 },
          remoteEndpoint: { serviceName: 'backend', ipv4: Buffer.from([172, 19, 0, 2]), port: 9000 },
          annotations: [{ timestamp: 1556604172355800, value: 'wire send' }],
          tags: { 'http.method': 'GET', 'http.path': '/api', error: 'timeout' },
        },
        { traceId: hex('463ac35c9f6413ad48485a3953bb6124'), id: hex('a2fb4a1d1a96d312'), kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'backend', ipv6: Buffer.from('20010db8000000000000000000000001', 'hex') } },
      ],
    }),
  ).finish();
}

test('proto3 ListOfSpans decodes to the same spans as JSON v2', () => {
  const spans = decodeZipkinProto(goldenProto());
  assert.deepEqual(spans[0], CLIENT);
  assert.deepEqual(spans[1], { traceId: '463ac35c9f6413ad48485a3953bb6124', id: 'a2fb4a1d1a96d312', kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'backend', ipv6: '2001:db8:0:0:0:0:0:1' } });
});

test('proto3 truncated at every offset fails cleanly (MalformedPayloadError) or decodes a prefix', () => {
  const bytes = goldenProto();
  for (let end = 0; end < bytes.length; end++) {
    try {
      decodeZipkinProto(bytes.subarray(0, end));
    } catch (error) {
      assert.ok(error instanceof MalformedPayloadError, `offset ${end}: ${String(error)}`);
    }
  }
});

test('seeded random bytes never crash the proto3 decoder', () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const golden = goldenProto();
  for (let i = 0; i < 2000; i++) {
    const bytes = Uint8Array.from(golden);
    for (let k = 0; k < 3; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    try {
      zipkinSpansToBatch(decodeZipkinProto(bytes));
    } catch (error) {
      assert.ok(error instanceof MalformedPayloadError, String(error));
    }
  }
});

test('JSON v1: a span with client and server annotations becomes a CLIENT span and a shared SERVER span', () => {
  const v1 = JSON.stringify([
    {
      traceId: TRACE,
      id: '352bff9a74ca9ad2',
      parentId: '6b221d5bc9e6496c',
      name: 'get /api',
      timestamp: 1000,
      duration: 500,
      annotations: [
        { timestamp: 1000, value: 'cs', endpoint: { serviceName: 'frontend', ipv4: '10.0.0.1' } },
        { timestamp: 1100, value: 'sr', endpoint: { serviceName: 'backend', ipv4: '10.0.0.2' } },
        { timestamp: 1400, value: 'ss', endpoint: { serviceName: 'backend', ipv4: '10.0.0.2' } },
        { timestamp: 1500, value: 'cr', endpoint: { serviceName: 'frontend', ipv4: '10.0.0.1' } },
      ],
      binaryAnnotations: [{ key: 'http.path', value: '/api', endpoint: { serviceName: 'frontend' } }],
    },
  ]);
  const spans = decodeZipkinJsonV1(v1);
  assert.deepEqual(
    spans.map((s) => [s.kind, s.localEndpoint?.serviceName, s.timestamp, s.duration, s.shared ?? false]),
    [
      ['CLIENT', 'frontend', 1000, 500, false],
      ['SERVER', 'backend', 1100, 300, true],
    ],
  );
  const batch = zipkinSpansToBatch(spans);
  assert.equal(batch.spanCount, 2);
});
