// Self-tracing of API routes: a sampled request's span lasts until its response has been sent
// (a streamed trace takes longer than its handler), and a client that goes away ends it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { apiRoute } from '../http/route-errors';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A route whose body comes in three chunks, 40 ms apart. */
const slowRoute = apiRoute(async () => {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await sleep(40);
      if (sent++ < 3) controller.enqueue(new TextEncoder().encode(`chunk${sent};`));
      else controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/plain' } });
});

test('a sampled request is traced until its streamed body has been sent', async () => {
  exporter.reset();
  const response = await slowRoute(new Request('http://meshlight.test/api/traces/00112233445566778899aabbccddeeff'), {});
  assert.equal(exporter.getFinishedSpans().length, 0, 'the handler returned but the body is still coming');
  assert.equal(await response.text(), 'chunk1;chunk2;chunk3;');
  assert.equal(response.headers.get('content-type'), 'text/plain');
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.name, 'GET /api/traces/{id}');
  assert.equal(span?.attributes['http.response.status_code'], 200);
  const durationMs = span!.duration[0] * 1000 + span!.duration[1] / 1e6;
  assert.ok(durationMs >= 120, `span lasted ${durationMs} ms, the body 4 × 40 ms`);
});

test('a client that cancels the body ends the span, marked cancelled', async () => {
  exporter.reset();
  const response = await slowRoute(new Request('http://meshlight.test/api/traces/00112233445566778899aabbccddeeff'), {});
  const reader = response.body!.getReader();
  await reader.read();
  await reader.cancel();
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.attributes['meshlight.response.cancelled'], true);
});

test('an unsampled request gets its response untouched', async () => {
  trace.disable();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  const original = new Response('x');
  const route = apiRoute(async () => original);
  assert.equal(await route(new Request('http://meshlight.test/api/services'), {}), original);
});
