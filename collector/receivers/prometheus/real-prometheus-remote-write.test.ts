// The real Prometheus 2.42 (Debian's package) scrapes a fixture target and remote-writes to a
// server in this test; the bodies it sends must decode to what it scraped. Skipped when
// `prometheus` is not installed (the golden bodies in tests/fixtures/prometheus/ still run).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capturePrometheusRemoteWrite, prometheusInstalled } from '../../../tests/support/prometheus-remote-write-capture';
import { readFileSync } from 'node:fs';
import {
  FIXTURE_EXPOSITION,
  OPENMETRICS_CONTENT_TYPE,
  STALENESS_AFTER,
  STALENESS_BEFORE,
  isSamplesBody,
  isScrapeBody,
  isStaleBody,
} from '../../../tests/fixtures/prometheus/remote-write-fixture';
import { SCRAPE_ACCEPT_HEADER, parsePrometheusText } from '../../../lib/domain/metrics/exposition/parse-prometheus-text';
import { scrapeToBatch, staleMarkers } from '../../../lib/domain/metrics/exposition/scrape-semantics';
import { plainSeries } from '../../../lib/domain/metrics/column-series';
import { isStaleNaN } from '../../../lib/domain/metrics/types';
import { decodeRemoteWrite } from './decode-remote-write';

test('live: Prometheus 2.42 remote_write bodies decode to the scraped samples', { skip: !prometheusInstalled() && 'prometheus is not installed' }, async () => {
  const { body, headers } = await capturePrometheusRemoteWrite({ metricsText: FIXTURE_EXPOSITION, accept: isSamplesBody });
  assert.equal(headers['content-encoding'], 'snappy');
  assert.equal(headers['x-prometheus-remote-write-version'], '0.1.0');
  const batch = decodeRemoteWrite(body);
  const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
    batch.series.find((s) => s.labels.__name__ === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.samples[0]?.v;
  assert.equal(value('fixture_requests_total', { code: '200', method: 'GET', job: 'fixture', env: 'test' }), 1027);
  assert.equal(value('fixture_temperature_celsius', { room: 'lab "A"' }), -4.5);
  assert.equal(value('fixture_latency_seconds_bucket', { le: '+Inf' }), 10);
  assert.equal(value('up'), 1);
});

test('live: Prometheus 2.42 asks for OpenMetrics with our Accept header and stores what our parser yields', { skip: !prometheusInstalled() && 'prometheus is not installed' }, async () => {
  const text = readFileSync(new URL('../../../tests/fixtures/prometheus/openmetrics-parity.txt', import.meta.url), 'utf8');
  let accept: string | undefined;
  const { body } = await capturePrometheusRemoteWrite({
    metricsText: text,
    contentType: OPENMETRICS_CONTENT_TYPE,
    onScrape: (headers) => (accept = headers.accept),
    accept: isScrapeBody,
  });
  assert.equal(accept, SCRAPE_ACCEPT_HEADER);
  const theirs = decodeRemoteWrite(body).series.filter((s) => !s.labels.__name__!.startsWith('scrape_') && s.labels.__name__ !== 'up');
  const t = theirs[0]!.samples[0]!.t;
  const ours = scrapeToBatch(parsePrometheusText(text, OPENMETRICS_CONTENT_TYPE, t), { targetLabels: { job: 'fixture', instance: theirs[0]!.labels.instance!, env: 'test' }, honorLabels: false }, t);
  assert.deepStrictEqual(ours.batch.series, theirs.map(plainSeries));
});

test('live: when a series disappears, Prometheus 2.42 writes the stale marker staleMarkers() predicts, bit-exact', { skip: !prometheusInstalled() && 'prometheus is not installed' }, async () => {
  const before = STALENESS_BEFORE;
  const after = STALENESS_AFTER;
  const { body } = await capturePrometheusRemoteWrite({ metricsText: (n) => (n === 0 ? before : after), accept: isStaleBody });
  const stale = decodeRemoteWrite(body).series.filter((s) => s.samples.some((x) => isStaleNaN(x.v)));
  const target = { targetLabels: { job: 'fixture', instance: stale[0]!.labels.instance!, env: 'test' }, honorLabels: false };
  const previous = scrapeToBatch(parsePrometheusText(before, 'text/plain', 0), target, 0).tracked;
  const current = scrapeToBatch(parsePrometheusText(after, 'text/plain', 1), target, 1).tracked;
  // Explicitly timestamped series get no marker, as in Prometheus.
  assert.deepEqual(
    stale.map((s) => s.labels),
    staleMarkers(previous, current, 1).map((s) => s.labels),
  );
});
