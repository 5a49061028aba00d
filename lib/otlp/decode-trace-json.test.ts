import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PermanentError } from './errors';
import { batchFromGoldenJson } from '../../tests/fixtures/otlp/sdk-expected';
import type { Span, TraceBatch } from '../domain/model';
import { decodeTraceRequestJson } from './decode-trace-json';
import { INTERNAL_ERROR_PREFIX } from './malformed';
import { fuzzRuns } from '../../tests/support/fuzz';

const SPEC_EXAMPLE = new URL('../../tests/fixtures/otlp/examples/trace.json', import.meta.url);
const fixture = (name: string): URL => new URL(`../../tests/fixtures/otlp/${name}`, import.meta.url);
const GOLDEN_JSON = readFileSync(fixture('checkout-trace.json'), 'utf8');
const GOLDEN_EXPECTED = batchFromGoldenJson(readFileSync(fixture('checkout-trace.expected.json'), 'utf8'));

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function decodeOrMalformed(body: string): TraceBatch | PermanentError {
  try {
    return decodeTraceRequestJson(body);
  } catch (error) {
    assert.ok(error instanceof PermanentError, `non-PermanentError thrown: ${String(error)}`);
    assert.equal(error.reason, 'malformed');
    assert.ok(!error.message.includes(INTERNAL_ERROR_PREFIX), error.message);
    return error;
  }
}

function assertMalformed(body: unknown, expected: RegExp | string): void {
  const result = decodeOrMalformed(typeof body === 'string' ? body : JSON.stringify(body));
  assert.ok(result instanceof PermanentError, `expected ${JSON.stringify(body).slice(0, 200)} to be refused`);
  if (typeof expected === 'string') assert.equal(result.message, expected);
  else assert.match(result.message, expected);
}

/** A request with one resource and scope around the given JSON spans. */
function request(...spans: unknown[]): { resourceSpans: unknown[] } {
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] };
}

function span(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TRACE_ID, spanId: SPAN_ID, name: 'op', ...fields };
}

function decodeOne(fields: Record<string, unknown>): Span {
  const batch = decodeTraceRequestJson(JSON.stringify(request(span(fields))));
  const decoded = batch.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  assert.ok(decoded, batch.rejectionMessage);
  return decoded;
}

test('the OTLP spec example trace.json decodes exactly', () => {
  const batch = decodeTraceRequestJson(readFileSync(SPEC_EXAMPLE, 'utf8'));
  assert.deepStrictEqual(batch, {
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': 'my.service' }, droppedAttributesCount: 0 },
        serviceName: 'my.service',
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'my.library', version: '1.0.0', attributes: { 'my.scope.attribute': 'some scope attribute' } },
            schemaUrl: '',
            spans: [
              {
                // The example's ids are upper-case hex; the spec says hex is case-insensitive.
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                parentSpanId: 'eee19b7ec3c1b173',
                traceState: '',
                flags: 0,
                name: "I'm a server span",
                kind: 2,
                startNs: 1544712660000000000n,
                endNs: 1544712661000000000n,
                attributes: { 'my.span.attr': 'some value' },
                droppedAttributesCount: 0,
                events: [],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                statusCode: 0,
                statusMessage: '',
              },
            ],
          },
        ],
      },
    ],
    spanCount: 1,
    rejectedSpans: 0,
    rejectionMessage: '',
  });
});

test('golden: checkout-trace.json decodes to checkout-trace.expected.json', () => {
  assert.deepStrictEqual(decodeTraceRequestJson(GOLDEN_JSON), GOLDEN_EXPECTED);
});

function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), toSnakeCase(v)]),
  );
}

const KIND_NAMES = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** Rewrites every span's kind and status code from integers to enum names. */
function withEnumNames(value: unknown, parentKey = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => withEnumNames(v, parentKey));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      if (key === 'kind' && typeof v === 'number') return [key, KIND_NAMES[v]];
      if (key === 'code' && parentKey === 'status' && typeof v === 'number') return [key, STATUS_NAMES[v]];
      return [key, withEnumNames(v, key)];
    }),
  );
}

test('snake_case field names and enum names decode like the canonical form', () => {
  const canonical = JSON.parse(GOLDEN_JSON) as unknown;
  const variant = JSON.stringify(withEnumNames(toSnakeCase(canonical)));
  assert.match(variant, /"start_time_unix_nano"/);
  assert.match(variant, /"SPAN_KIND_SERVER"/);
  assert.match(variant, /"STATUS_CODE_ERROR"/);
  assert.deepStrictEqual(decodeTraceRequestJson(variant), GOLDEN_EXPECTED);
});

test('proto3 JSON leniencies: numbers for int64, strings for uint32, null as unset, unknown fields', () => {
  const decoded = decodeOne({
    traceId: TRACE_ID.toUpperCase(),
    startTimeUnixNano: 1544712660000000,
    endTimeUnixNano: '9223372036854775807', // the largest storable; above it rejects the span (test below)
    droppedAttributesCount: '7',
    flags: 257,
    parentSpanId: null,
    traceState: null,
    kind: 3,
    someFutureField: { nested: [1, 2, 3] },
    status: { code: 2, message: 'boom', futureStatusField: true },
    events: [{ timeUnixNano: '1', name: 'e', attributes: null, unknown: 1 }],
    attributes: [
      { key: 'int.string', value: { intValue: '-9223372036854775808' } },
      { key: 'int.number', value: { intValue: 12 } },
      { key: 'int.string.small', value: { intValue: '-0' } },
      { key: 'int.unsafe', value: { intValue: '9007199254740993' } },
      { key: 'double.string', value: { doubleValue: '1.5e3' } },
      { key: 'double.nan', value: { doubleValue: 'NaN' } },
      { key: 'double.inf', value: { doubleValue: 'Infinity' } },
      { key: 'bytes.urlsafe', value: { bytesValue: '3q-_' } },
      { key: 'bytes.std', value: { bytesValue: '3q+/' } },
      { key: 'empty', value: {} },
      { key: 'no.value' },
      { key: 'null.member', value: { stringValue: null, boolValue: false } },
      { key: 'array', value: { arrayValue: { values: [{ stringValue: 'a' }, {}, null, { intValue: '1' }] } } },
      { key: 'empty.array', value: { arrayValue: {} } },
      { key: 'kvlist', value: { kvlistValue: { values: [{ key: 'k', value: { kvlistValue: { values: [{ key: 'deep', value: { boolValue: true } }] } } }] } } },
      { key: 'unknown.member', value: { futureValue: 1, stringValue: 'kept' } },
      { key: '__proto__', value: { stringValue: 'own property' } },
    ],
  });
  assert.equal(decoded.traceId, TRACE_ID);
  assert.equal(decoded.startNs, 1544712660000000n);
  assert.equal(decoded.endNs, 2n ** 63n - 1n);
  assert.equal(decoded.droppedAttributesCount, 7);
  assert.equal(decoded.parentSpanId, '');
  assert.equal(decoded.kind, 3);
  assert.equal(decoded.statusCode, 2);
  assert.equal(decoded.statusMessage, 'boom');
  assert.deepStrictEqual(decoded.events, [{ timeNs: 1n, name: 'e', attributes: {}, droppedAttributesCount: 0 }]);
  const expected: Record<string, unknown> = {
    'int.string': '-9223372036854775808',
    'int.number': 12,
    'int.string.small': 0,
    'int.unsafe': '9007199254740993',
    'double.string': 1500,
    'double.nan': 'NaN',
    'double.inf': 'Infinity',
    'bytes.urlsafe': '3q+/',
    'bytes.std': '3q+/',
    empty: null,
    'no.value': null,
    'null.member': false,
    array: ['a', null, null, 1],
    'empty.array': [],
    kvlist: { k: { deep: true } },
    'unknown.member': 'kept',
  };
  Object.defineProperty(expected, '__proto__', { value: 'own property', enumerable: true, writable: true, configurable: true });
  assert.deepStrictEqual(decoded.attributes, expected);
});

test('timestamps given as decimal strings are exact to the nanosecond, beyond 2^53', () => {
  const decoded = decodeOne({ startTimeUnixNano: '1763700000123456789', endTimeUnixNano: '9007199254740993' });
  assert.equal(decoded.startNs, 1763700000123456789n);
  assert.equal(decoded.endNs, 9007199254740993n);
});

test('spans with invalid or non-hex ids are rejected and counted; others kept', () => {
  const batch = decodeTraceRequestJson(
    JSON.stringify(
      request(
        span({ name: 'ok' }),
        span({ name: 'not hex', traceId: 'zz'.repeat(16) }),
        span({ name: 'base64 id', traceId: 'W47/95gDgQPSabYzgT/GDA==' }),
        span({ name: 'empty', spanId: '' }),
        span({ name: 'zero', traceId: '0'.repeat(32) }),
        span({ name: 'parent too long', parentSpanId: 'ab'.repeat(9) }),
        span({ name: 'zero parent is root', parentSpanId: '0'.repeat(16) }),
        span({ name: 'links', links: [{ traceId: TRACE_ID, spanId: SPAN_ID }, { traceId: 'nope', spanId: SPAN_ID }], droppedLinksCount: 1 }),
      ),
    ),
  );
  const kept = batch.resourceSpans[0]!.scopeSpans[0]!.spans;
  assert.deepEqual(kept.map((s) => s.name), ['ok', 'zero parent is root', 'links']);
  assert.equal(kept[1]?.parentSpanId, '');
  assert.equal(kept[2]?.links.length, 1);
  assert.equal(kept[2]?.droppedLinksCount, 2);
  assert.equal(batch.spanCount, 3);
  assert.equal(batch.rejectedSpans, 5);
  assert.equal(
    batch.rejectionMessage,
    'resourceSpans[0].scopeSpans[0].spans[1] ("not hex"): invalid trace id "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" (not hex)',
  );
});

test('invalid JSON and wrong top-level types are malformed', () => {
  assertMalformed('not json', /^invalid JSON: /);
  assertMalformed('{"resourceSpans": [', /^invalid JSON: /);
  assertMalformed('', /^invalid JSON: /);
  assertMalformed('[]', 'expected an ExportTraceServiceRequest object, got an array');
  assertMalformed('null', 'expected an ExportTraceServiceRequest object, got null');
  assertMalformed('"text"', 'expected an ExportTraceServiceRequest object, got the string "text"');
  assertMalformed({ resourceSpans: {} }, 'resourceSpans: expected an array, got an object');
  assertMalformed({ resourceSpans: [1] }, 'resourceSpans[0]: expected a ResourceSpans object, got 1');
  assert.deepStrictEqual(decodeTraceRequestJson('{}'), { resourceSpans: [], spanCount: 0, rejectedSpans: 0, rejectionMessage: '' });
  assert.equal(decodeTraceRequestJson('{"resourceSpans": null}').spanCount, 0);
});

test('wrong field types are malformed, with the path to the field', () => {
  const fourthSpan = (fields: Record<string, unknown>) => ({
    resourceSpans: [{ scopeSpans: [{ spans: [] }, { spans: [span(), span(), span(), span(fields)] }] }],
  });
  const at = 'resourceSpans[0].scopeSpans[1].spans[3]';
  assertMalformed(
    fourthSpan({ startTimeUnixNano: 'abc' }),
    `${at}.startTimeUnixNano: expected an unsigned 64-bit integer (a decimal string or number), got the string "abc"`,
  );
  // Integers past 2^64 are not malformed: they reject their span alone (see the out-of-range test).
  for (const bad of ['0x10', ' 12', '1.5', '-1', '', 1.5, -1, true, [], {}]) {
    assertMalformed(fourthSpan({ endTimeUnixNano: bad }), new RegExp(`^${escapeRegExp(at)}\\.endTimeUnixNano: expected an unsigned 64-bit integer`));
  }
  assertMalformed(fourthSpan({ traceId: 123 }), `${at}.traceId: expected a string, got 123`);
  assertMalformed(fourthSpan({ name: ['x'] }), `${at}.name: expected a string, got an array`);
  assertMalformed(fourthSpan({ kind: 'SERVER' }), /spans\[3\]\.kind: expected an enum integer or one of SPAN_KIND_UNSPECIFIED, .*got the string "SERVER"/);
  assertMalformed(fourthSpan({ kind: 1.5 }), /spans\[3\]\.kind: expected an enum integer/);
  assertMalformed(fourthSpan({ flags: -1 }), `${at}.flags: expected an unsigned 32-bit integer, got -1`);
  assertMalformed(fourthSpan({ droppedAttributesCount: 2 ** 32 }), /droppedAttributesCount: expected an unsigned 32-bit integer/);
  assertMalformed(fourthSpan({ status: 'ERROR' }), `${at}.status: expected a Status object, got the string "ERROR"`);
  assertMalformed(fourthSpan({ status: { code: 'STATUS_CODE_BROKEN' } }), /status\.code: expected an enum integer or one of STATUS_CODE_UNSET/);
  assertMalformed(fourthSpan({ attributes: {} }), `${at}.attributes: expected an array, got an object`);
  assertMalformed(fourthSpan({ attributes: [{ key: 1 }] }), `${at}.attributes[0].key: expected a string, got 1`);
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: 'v' }] }), `${at}.attributes[0].value: expected an AnyValue object, got the string "v"`);
  assertMalformed(
    fourthSpan({ attributes: [{ key: 'k', value: { intValue: '12a' } }] }),
    `${at}.attributes[0].value.intValue: expected a signed 64-bit integer (a decimal string or number), got the string "12a"`,
  );
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }), /intValue: expected a signed 64-bit integer/);
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }), /intValue: expected a signed 64-bit integer/);
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] }), /boolValue: expected true or false, got the string "true"/);
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: { doubleValue: 'fast' } }] }), /doubleValue: expected a number/);
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: { bytesValue: 'not base64!' } }] }), /bytesValue: expected base64 bytes/);
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: { stringValue: 'a', intValue: 1 } }] }), /value: AnyValue sets both stringValue and intValue; it is a oneof$/);
  assertMalformed(
    fourthSpan({ attributes: [{ key: 'k', value: { arrayValue: { values: [{ stringValue: 'ok' }, { intValue: 'x' }] } } }] }),
    `${at}.attributes[0].value.arrayValue.values[1].intValue: expected a signed 64-bit integer (a decimal string or number), got the string "x"`,
  );
  assertMalformed(fourthSpan({ attributes: [{ key: 'k', value: { kvlistValue: { values: {} } } }] }), /kvlistValue: expected an array, got an object$/);
  assertMalformed(fourthSpan({ events: [{ timeUnixNano: 'soon' }] }), new RegExp(`^${escapeRegExp(at)}\\.events\\[0\\]\\.timeUnixNano: expected an unsigned 64-bit`));
  assertMalformed(fourthSpan({ links: [{ flags: 'x' }] }), `${at}.links[0].flags: expected an unsigned 32-bit integer, got the string "x"`);
  assertMalformed({ resourceSpans: [{ resource: { attributes: 5 } }] }, 'resourceSpans[0].resource.attributes: expected an array, got 5');
  assertMalformed({ resourceSpans: [{ scopeSpans: [{ scope: { version: 2 } }] }] }, 'resourceSpans[0].scopeSpans[0].scope.version: expected a string, got 2');
  assertMalformed({ resource_spans: [{ scope_spans: [{ schema_url: 1 }] }] }, 'resource_spans[0].scope_spans[0].schema_url: expected a string, got 1');
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('attribute values nested too deeply are malformed, not a stack overflow', () => {
  const depth = 100_000;
  const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
  const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_ID}","spanId":"${SPAN_ID}","attributes":[{"key":"k","value":${value}}]}]}]}]}`;
  assertMalformed(body, /nested more than 64 levels deep$/);
});

/** mulberry32: a tiny seeded PRNG so fuzz failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 2 ** 64, '', 'x', '123', [], [1], {}, { values: [] }, { stringValue: 1 }];

/** Replaces one randomly chosen node of a JSON tree with an odd value. */
function mutate(tree: unknown, next: () => number): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((child, i) => (nodes.push({ parent: node, key: i }), walk(child)));
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        nodes.push({ parent: node as Record<string, unknown>, key });
        walk(child);
      }
    }
  };
  walk(tree);
  const target = nodes[Math.floor(next() * nodes.length)]!;
  (target.parent as Record<string | number, unknown>)[target.key] = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
  return tree;
}

test('fuzz: wrong types anywhere, and mangled or truncated text, are malformed or decode', () => {
  const next = random(0xc0ffee);
  let refused = 0;
  for (let i = 0; i < fuzzRuns(3000); i++) {
    const tree = mutate(JSON.parse(GOLDEN_JSON), next);
    if (decodeOrMalformed(JSON.stringify(tree)) instanceof PermanentError) refused++;
  }
  assert.ok(refused > 500, `only ${refused} mutations were refused`);
  const compact = JSON.stringify(JSON.parse(GOLDEN_JSON));
  for (let i = 0; i < fuzzRuns(1000); i++) {
    const at = Math.floor(next() * compact.length);
    const junk = String.fromCharCode(Math.floor(next() * 128));
    decodeOrMalformed(compact.slice(0, at) + junk + compact.slice(at + 1));
  }
  for (let length = 0; length < compact.length; length += 7) {
    assert.ok(decodeOrMalformed(compact.slice(0, length)) instanceof PermanentError, `truncated to ${length}`);
  }
});

test('timestamps PostgreSQL cannot store (over int64, or rounded past 2^64 as a JSON number) reject their span alone, with a reason', () => {
  const batch = decodeTraceRequestJson(
    `{"resourceSpans":[{"scopeSpans":[{"spans":[` +
      `${JSON.stringify(span({ name: 'ok' }))},` +
      `${JSON.stringify(span({ name: 'u64 start', startTimeUnixNano: '18446744073709551615' }))},` +
      `${JSON.stringify(span({ name: 'number end' })).replace(/}$/, ',"endTimeUnixNano":18446744073709551615}')}` +
      `]}]}]}`,
  );
  assert.deepEqual(batch.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name), ['ok']);
  assert.equal(batch.rejectedSpans, 2);
  assert.equal(
    batch.rejectionMessage,
    'resourceSpans[0].scopeSpans[0].spans[1] ("u64 start"): startTimeUnixNano 18446744073709551615 is out of range (at most 9223372036854775807)',
  );
});

test('NUL and unpaired surrogates are cleaned at decode time, and reported in partial_success as a warning', () => {
  const batch = decodeTraceRequestJson(
    JSON.stringify(
      request(
        span({ name: 'clean' }),
        span({ name: 'nul\u0000name', attributes: [{ key: 'k\u0000', value: { stringValue: 'lone \ud800 surrogate' } }] }),
      ),
    ),
  );
  const [clean, cleaned] = batch.resourceSpans[0]!.scopeSpans[0]!.spans;
  assert.equal(clean!.name, 'clean');
  assert.equal(cleaned!.name, 'nul\uFFFDname');
  assert.deepEqual(cleaned!.attributes, { 'k\uFFFD': 'lone \uFFFD surrogate' });
  assert.equal(batch.rejectedSpans, 0);
  assert.match(batch.rejectionMessage, /^1 span had text PostgreSQL cannot store .* \(first: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[1\]\)$/);
});
