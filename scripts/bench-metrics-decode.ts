// Micro-benchmark of the metrics decoders (decode only, no storage): samples/s for
//   - remote_write, the realistic shape (2,000 series × 6 labels × 1 sample per request,
//     series drawn from 100,000) and dense shape (1,000 series × 100 samples per request);
//   - the text 0.0.4 and OpenMetrics parsers on a 10,000-series exposition;
//   - OTLP protobuf metrics (2,000 gauge points with 6 attributes per request).
//   npx tsx scripts/bench-metrics-decode.ts
import { compressSync } from 'snappy';
import { decodeRemoteWrite } from '../collector/receivers/prometheus/decode-remote-write';
import { decodeMetricsProto } from '../collector/receivers/otlp/decode-metrics-proto';
import { parsePrometheusText } from '../lib/domain/metrics/exposition/parse-prometheus-text';
import { doubleField, fixed64Field, keyValue, message, messageField, stringField } from '../tests/fixtures/otlp/proto-builder';
import { writeRequestBytes, type WriteSeries } from '../tests/fixtures/prometheus/write-request-builder';

function measure(label: string, samplesPerPass: number, pass: () => void): void {
  pass();
  pass(); // warm-up
  const rates: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    pass();
    rates.push(samplesPerPass / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} ${Math.round(rates[2]!).toLocaleString('en-US').padStart(12)} samples/s (min ${Math.round(rates[0]!).toLocaleString('en-US')})`);
}

function seriesLabels(i: number): [string, string][] {
  return [
    ['__name__', `metric_${i % 100}_total`],
    ['env', 'prod'],
    ['instance', `host-${i % 1000}:9100`],
    ['job', `job-${i % 10}`],
    ['path', `/api/v1/resource/${i % 50}`],
    ['status', String(200 + (i % 5))],
  ];
}

// remote_write, realistic: 50 requests of 2,000 distinct series, 1 sample each.
const realistic: Buffer[] = [];
for (let r = 0; r < 50; r++) {
  const series: WriteSeries[] = [];
  for (let s = 0; s < 2000; s++) series.push({ labels: seriesLabels(r * 2000 + s), samples: [{ t: 1_700_000_000_000 + r * 15_000, v: s * 1.5 }] });
  realistic.push(compressSync(Buffer.from(writeRequestBytes(series))));
}
measure('remote_write realistic (2000 series × 1 sample)', 50 * 2000, () => {
  for (const body of realistic) decodeRemoteWrite(body);
});

const dense: Buffer[] = [];
for (let r = 0; r < 5; r++) {
  const series: WriteSeries[] = [];
  for (let s = 0; s < 1000; s++) {
    series.push({ labels: seriesLabels(s), samples: Array.from({ length: 100 }, (_, k) => ({ t: 1_700_000_000_000 + (r * 100 + k) * 15_000, v: k })) });
  }
  dense.push(compressSync(Buffer.from(writeRequestBytes(series))));
}
measure('remote_write dense (1000 series × 100 samples)', 5 * 100_000, () => {
  for (const body of dense) decodeRemoteWrite(body);
});

let exposition = '';
for (let f = 0; f < 100; f++) {
  exposition += `# HELP family_${f} Some help text.\n# TYPE family_${f} gauge\n`;
  for (let s = 0; s < 100; s++) exposition += `family_${f}{instance="host-${s}",path="/api/v1/x/${s}",method="GET",status="200"} ${s * 0.25}\n`;
}
measure('text 0.0.4 exposition (10,000 series)', 10_000, () => parsePrometheusText(exposition, 'text/plain; version=0.0.4', 0));
const openMetrics = `${exposition}# EOF\n`;
measure('OpenMetrics exposition (10,000 series)', 10_000, () => parsePrometheusText(openMetrics, 'application/openmetrics-text; version=1.0.0', 0));

const points = [];
for (let p = 0; p < 2000; p++) {
  points.push(
    messageField(
      1,
      fixed64Field(3, 1_700_000_000_000_000_000n),
      doubleField(4, p),
      ...['http.route', 'http.method', 'http.status_code', 'host.name', 'region', 'tier'].map((k, i) => keyValue(7, k, stringField(1, `${k}-${(p * (i + 1)) % 97}`))),
    ),
  );
}
const otlp = message(messageField(1, messageField(1, keyValue(1, 'service.name', stringField(1, 'bench'))), messageField(2, messageField(2, stringField(1, 'bench.gauge'), messageField(5, ...points)))));
measure('OTLP protobuf gauges (2000 points × 6 attributes)', 10 * 2000, () => {
  for (let i = 0; i < 10; i++) decodeMetricsProto(otlp);
});
