// Micro-benchmark of the OTLP trace decoders: spans/s for binary protobuf and OTLP/JSON, on
// SDK-recorded spans with 20 attributes each, serialized by @opentelemetry/otlp-transformer (what
// the OTLP exporters send). Requests hold 1,000 spans (SDK exporters batch 512 by default); 20
// distinct requests are decoded 10 times each, 200,000 spans per measured run. Run twice: with
// string attribute values repeated across spans, and with every span's values distinct.
//   npx tsx scripts/bench-decode.ts [spansPerRequest] [distinctRequests] [repeats]
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequestJson } from '../collector/receivers/otlp/decode-trace-json';
import { decodeTraceRequestProto } from '../collector/receivers/otlp/decode-trace-proto';
import { recordWideSpans } from '../tests/fixtures/otlp/sdk-spans';

const spansPerRequest = Number(process.argv[2] ?? 1000);
const distinctRequests = Number(process.argv[3] ?? 20);
const repeats = Number(process.argv[4] ?? 10);
const ATTRIBUTES_PER_SPAN = 20;

function measure(label: string, bytesPerPass: number, decode: () => number): void {
  decode(); // warm-up: let the JIT optimize before timing
  decode();
  const runs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    const spans = decode();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    runs.push(spans / seconds);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  const passSeconds = (spansPerRequest * distinctRequests * repeats) / median;
  console.log(
    `${label.padEnd(34)} ${Math.round(median).toLocaleString('en-US').padStart(11)} spans/s` +
      `  ${(bytesPerPass / passSeconds / 1e6).toFixed(0).padStart(5)} MB/s  (min ${Math.round(runs[0]!).toLocaleString('en-US')}, max ${Math.round(runs[4]!).toLocaleString('en-US')})`,
  );
}

function decodeAll<T>(requests: readonly T[], decode: (request: T) => number): () => number {
  return () => {
    let spans = 0;
    for (let r = 0; r < repeats; r++) for (const request of requests) spans += decode(request);
    return spans;
  };
}

function run(distinctValues: boolean): void {
  const protoRequests: Uint8Array[] = [];
  const jsonRequests: string[] = [];
  for (let i = 0; i < distinctRequests; i++) {
    const spans = recordWideSpans(spansPerRequest, ATTRIBUTES_PER_SPAN, distinctValues);
    const proto = ProtobufTraceSerializer.serializeRequest(spans);
    const json = JsonTraceSerializer.serializeRequest(spans);
    if (!proto || !json) throw new Error('serializer returned nothing');
    protoRequests.push(proto);
    jsonRequests.push(Buffer.from(json).toString('utf8'));
  }
  const protoBytes = protoRequests.reduce((sum, p) => sum + p.length, 0) * repeats;
  const jsonBytes = jsonRequests.reduce((sum, j) => sum + Buffer.byteLength(j), 0) * repeats;
  console.log(
    `\n${(spansPerRequest * distinctRequests * repeats).toLocaleString('en-US')} spans x ${ATTRIBUTES_PER_SPAN} attributes, ` +
      `string values ${distinctValues ? 'distinct per span' : 'repeated across spans'}; request: ` +
      `${(protoRequests[0]!.length / 1024).toFixed(0)} KiB protobuf, ${(Buffer.byteLength(jsonRequests[0]!) / 1024).toFixed(0)} KiB JSON`,
  );
  measure('protobuf decodeTraceRequestProto', protoBytes, decodeAll(protoRequests, (p) => decodeTraceRequestProto(p).spanCount));
  measure('JSON     decodeTraceRequestJson', jsonBytes, decodeAll(jsonRequests, (j) => decodeTraceRequestJson(j).spanCount));
  measure('JSON     (JSON.parse alone)', jsonBytes, decodeAll(jsonRequests, (j) => (JSON.parse(j) ? spansPerRequest : 0)));
}

console.log(`node ${process.version}, one core`);
run(false);
run(true);
