// An OTLP/JSON trace export request of `spans` new one-span traces from one service, for tests that
// count what was acknowledged against what was stored.
import { randomBytes } from 'node:crypto';

export function otlpJsonTraceRequest(service: string, spans: number, kindOf: (i: number) => number = () => 2): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: randomBytes(16).toString('hex'),
              spanId: randomBytes(8).toString('hex'),
              name: `op ${i % 3}`,
              kind: kindOf(i),
              startTimeUnixNano: String(now),
              endTimeUnixNano: String(now + 1000n),
            })),
          },
        ],
      },
    ],
  });
}
