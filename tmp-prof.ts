import { decodeTraceRequestProto } from './collector/receivers/otlp/decode-trace-proto';
import { EdgeDeriver } from './lib/domain/service-graph/edge-deriver';
import { ServiceGraphRollups } from './lib/domain/service-graph/rollup';
import { makeGraphSpans } from './scripts/bench-service-graph';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
const spans = makeGraphSpans(100_000);
const batches: ReturnType<typeof decodeTraceRequestProto>[] = [];
for (let i = 0; i < spans.length; i += 512) batches.push(decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + 512))!));
const mode = process.argv[2] ?? 'full';
for (let round = 0; round < 6; round++) {
  let now = 0;
  const rollups = new ServiceGraphRollups(200_000);
  const sink = mode === 'null' ? { edge() {}, operation() {} } : { edge: (o: any) => rollups.addEdge(o), operation: (o: any) => rollups.addOperation(o) };
  const deriver = new EdgeDeriver({ ttlMs: 10_000, maxPending: 100_000, now: () => now }, sink);
  const t0 = performance.now();
  for (const b of batches) { deriver.observeBatch(b); now += 20; deriver.expire(); }
  const ms = performance.now() - t0;
  console.log(mode, round, ((ms * 1000) / spans.length).toFixed(2), 'µs/span');
}
