// Text format 0.0.4 against what real exporters write (testdata/exporters, see its README for
// sources and licences) and against prom-client's own output, plus content negotiation.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { ExpositionParseError, SCRAPE_ACCEPT_HEADER, expositionFormatFor, parsePrometheusText, type ExpositionSample } from './parse-prometheus-text';

const EXPORTERS = fileURLToPath(new URL('./testdata/exporters/', import.meta.url));
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const NOW = 1_764_000_000_000;

function parseFile(name: string): ExpositionSample[] {
  return parsePrometheusText(readFileSync(EXPORTERS + name, 'utf8'), TEXT, NOW).samples;
}

function valueOf(samples: ExpositionSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.labels.__name__ === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

test('every real exporter file parses with the 0.0.4 parser', () => {
  const files = readdirSync(EXPORTERS).filter((f) => f.endsWith('.txt'));
  assert.equal(files.length, 15);
  const counts: string[] = [];
  for (const file of files) {
    const result = parsePrometheusText(readFileSync(EXPORTERS + file, 'utf8'), TEXT, NOW);
    assert.ok(result.samples.length > 0, file);
    assert.ok(result.samples.every((s) => s.t === NOW && !s.explicitTimestamp), file);
    counts.push(`${file}: ${result.samples.length} samples, ${result.metadata.length} families with metadata`);
  }
  console.log(counts.join('\n'));
});

test('exporter values come through: kafka_exporter, RabbitMQ NaN, resilience4j trailing commas, opossum summaries', () => {
  const kafka = parseFile('kafka_exporter-v1.3.1-full-scrape.txt');
  assert.equal(valueOf(kafka, 'kafka_consumergroup_current_offset', { consumergroup: 'G1', partition: '0', topic: 'songs' }), 17);
  const rabbit = parseFile('rabbitmq-per-object-queues.txt');
  assert.equal(valueOf(rabbit, 'rabbitmq_queue_messages_ready', { vhost: '/', queue: 'fixture.orders' }), 20);
  assert.ok(Number.isNaN(valueOf(rabbit, 'rabbitmq_queue_head_message_timestamp', { queue: 'fixture.orders' })));
  const r4j = parseFile('resilience4j-0.x-docs-springboot2-prometheus.txt');
  assert.deepEqual(r4j[0]!.labels, { __name__: 'resilience4j_circuitbreaker_calls', kind: 'not_permitted', name: 'backendA' });
  const opossum = parsePrometheusText(readFileSync(EXPORTERS + 'opossum-prometheus-live-two-breakers.txt', 'utf8'), TEXT, NOW);
  assert.equal(valueOf(opossum.samples, 'circuit', { name: 'payments', event: 'reject' }), 4);
  assert.equal(valueOf(opossum.samples, 'circuit_perf', { name: 'inventory', event: 'success', quantile: '0.5' }), 8.5);
  assert.deepEqual(
    opossum.metadata.map((m) => [m.metric, m.type]),
    [
      ['circuit', 'counter'],
      ['circuit_perf', 'summary'],
    ],
  );
});

/** `name{k="v",…} value` with labels sorted, for comparing sample sets. */
function line(name: string, labels: Record<string, unknown>, value: number): string {
  const pairs = Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
    .sort();
  return `${name}{${pairs.join(',')}} ${value}`;
}

async function promClientRegistry(contentType: string): Promise<Registry> {
  const registry = new Registry();
  registry.setContentType(contentType as typeof Registry.PROMETHEUS_CONTENT_TYPE);
  const jobs = new Counter({ name: 'jobs_processed_total', help: 'Jobs "done" \\ and\nmore', labelNames: ['queue'], registers: [registry] });
  jobs.inc({ queue: 'a"b\\c\nd' }, 3);
  jobs.inc({ queue: 'plain' }, 1.5);
  const temp = new Gauge({ name: 'temperature_celsius', help: 'T', labelNames: ['room'], registers: [registry] });
  temp.set({ room: 'cold' }, -Infinity);
  temp.set({ room: 'hot' }, Infinity);
  temp.set({ room: 'broken' }, NaN);
  const latency = new Histogram({ name: 'latency_seconds', help: 'L', buckets: [0.1, 1, 2.5], labelNames: ['method'], registers: [registry] });
  for (const v of [0.05, 0.5, 3]) latency.observe({ method: 'GET' }, v);
  const size = new Summary({ name: 'payload_bytes', help: 'S', percentiles: [0.5, 0.9], registers: [registry] });
  for (const v of [100, 200, 300]) size.observe(v);
  return registry;
}

for (const contentType of [Registry.PROMETHEUS_CONTENT_TYPE, Registry.OPENMETRICS_CONTENT_TYPE]) {
  test(`prom-client output round-trips (${contentType})`, async () => {
    const registry = await promClientRegistry(contentType);
    const parsed = parsePrometheusText(await registry.metrics(), registry.contentType, NOW);
    assert.equal(parsed.format, contentType.startsWith('application/openmetrics-text') ? 'openmetrics-1.0' : 'prometheus-text-0.0.4');
    const expected: string[] = [];
    for (const metric of await registry.getMetricsAsJSON()) {
      for (const v of metric.values) {
        const name = (v as { metricName?: string }).metricName ?? (String(metric.type) === 'counter' && !metric.name.endsWith('_total') ? `${metric.name}_total` : metric.name);
        expected.push(line(name, v.labels, v.value ?? NaN));
      }
    }
    const actual = parsed.samples.map((s) => {
      const { __name__, ...labels } = s.labels;
      return line(__name__!, labels, s.value);
    });
    assert.deepEqual(actual.sort(), expected.sort());
    const jobs = parsed.metadata.find((m) => m.metric.startsWith('jobs_processed'));
    assert.equal(jobs?.help, 'Jobs "done" \\ and\nmore');
    assert.equal(jobs?.type, 'counter');
  });
}

test('0.0.4 details: tabs and spaces, comments, timestamps in ms, untyped, Go float spellings', () => {
  const text = [
    '# a free comment',
    '',
    '# TYPE x untyped',
    'x 1 1700000000123',
    '\ty { a = "1" , b="2", } +inf',
    'z{} -Inf   ',
    'w nan',
    '# HELP y  help with \\\\ and \\n',
  ].join('\n');
  const result = parsePrometheusText(text, undefined, NOW);
  assert.deepEqual(
    result.samples.map((s) => [s.labels, s.value, s.t, s.explicitTimestamp]),
    [
      [{ __name__: 'x' }, 1, 1700000000123, true],
      [{ __name__: 'y', a: '1', b: '2' }, Infinity, NOW, false],
      [{ __name__: 'z' }, -Infinity, NOW, false],
      [{ __name__: 'w' }, NaN, NOW, false],
    ],
  );
  assert.deepEqual(result.metadata, [
    { metric: 'x', type: 'unknown', help: '', unit: '' },
    { metric: 'y', type: 'unknown', help: 'help with \\ and \n', unit: '' },
  ]);
});

test('0.0.4 refusals carry the line number', () => {
  const bad: [string, RegExp][] = [
    ['ok 1\nx{a="1",a="2"} 1', /^line 2: duplicate label name "a"$/],
    ['x{a="1} 1', /^line 1: unterminated label value$/],
    ['x 1 2 3', /^line 1: unexpected text/],
    ['x abc', /^line 1: invalid value "abc"$/],
    ['x 1 1.5', /^line 1: invalid timestamp/],
    ['x', /^line 1: missing value$/],
    ['x{1a="b"} 1', /^line 1: invalid label name/],
    ['# TYPE x bogus', /^line 1: invalid metric type "bogus"$/],
    ['0x 1', /^line 1: invalid metric name/],
  ];
  for (const [text, message] of bad) {
    assert.throws(
      () => parsePrometheusText(text, TEXT, NOW),
      (error: unknown) => error instanceof ExpositionParseError && message.test(error.message),
      text,
    );
  }
});

test('content negotiation: the Accept header and the parser choice follow Prometheus 2.42', () => {
  assert.equal(
    SCRAPE_ACCEPT_HEADER,
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  );
  assert.equal(expositionFormatFor('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics-1.0');
  assert.equal(expositionFormatFor('Application/OpenMetrics-Text;version=0.0.1'), 'openmetrics-1.0');
  assert.equal(expositionFormatFor('text/plain; version=0.0.4'), 'prometheus-text-0.0.4');
  assert.equal(expositionFormatFor('application/json'), 'prometheus-text-0.0.4');
  assert.equal(expositionFormatFor(undefined), 'prometheus-text-0.0.4');
  // The same body: OpenMetrics insists on # EOF, the text format does not.
  assert.throws(() => parsePrometheusText('x 1\n', 'application/openmetrics-text; version=1.0.0', NOW), /missing "# EOF"/);
  assert.equal(parsePrometheusText('x 1\n', 'text/plain', NOW).samples.length, 1);
});
