// Minimal OTLP/JSON trace requests for the scaling tests: a few spans of one trace, posted to a
// collector's /v1/traces.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export interface SimpleTrace {
  traceId: string;
  spanIds: string[];
  body: string;
}

/** frontend SERVER → CLIENT → checkout SERVER, a minute ago. */
export function simpleTrace(): SimpleTrace {
  const traceId = randomBytes(16).toString('hex');
  const [root, call, served] = [0, 1, 2].map(() => randomBytes(8).toString('hex')) as [string, string, string];
  const t0 = BigInt(Date.now() - 60_000) * 1_000_000n;
  const span = (spanId: string, parentSpanId: string, name: string, kind: number, offsetUs: number) => ({
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano: String(t0 + BigInt(offsetUs * 1000)),
    endTimeUnixNano: String(t0 + BigInt((offsetUs + 500) * 1000)),
  });
  const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: { stringValue: service } }] });
  const body = JSON.stringify({
    resourceSpans: [
      { resource: resource('frontend'), scopeSpans: [{ scope: { name: 't' }, spans: [span(root, '', '/home', 2, 0), span(call, root, 'GET checkout', 3, 10)] }] },
      { resource: resource('checkout'), scopeSpans: [{ scope: { name: 't' }, spans: [span(served, call, '/checkout', 2, 20)] }] },
    ],
  });
  return { traceId, spanIds: [root, call, served], body };
}

export async function postTrace(httpPort: number, trace: SimpleTrace): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: trace.body });
  assert.equal(response.status, 200, await response.text());
}
