// Log records sent to a collector's JSON-lines intake (POST /logs/jsonl?service=), one object a
// line, for the live-tail tests; anything but 200 fails the test with the collector's answer.
import assert from 'node:assert/strict';

export async function postJsonLines(collectorUrl: string, service: string, lines: object[]): Promise<void> {
  const response = await fetch(`${collectorUrl}/logs/jsonl?service=${service}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: lines.map((line) => JSON.stringify(line)).join('\n'),
  });
  assert.equal(response.status, 200, await response.text());
}
