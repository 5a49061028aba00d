// What the scraper needs from a metrics exposition parser, narrowly: exposition text in,
// series with samples and metadata out. The full Prometheus text 0.0.4 / OpenMetrics 1.0 parser is
// written on the `metrics-ingest` branch.
//
// MERGE POINT: `parseExposition` and `SCRAPE_ACCEPT` below are the only two lines to change when the
// real parser lands: point parseExposition at it (adapting its result to ParsedExposition) and set
// SCRAPE_ACCEPT to Prometheus's header (OpenMetrics preferred), then delete exposition-stub.ts.
import type { MetricMetadata, SeriesSamples } from '../../lib/domain/metrics/types';
import { parsePrometheusTextStub } from './exposition-stub';

export interface ParsedExposition {
  series: SeriesSamples[];
  metadata: MetricMetadata[];
}

/**
 * Parses a scrape body. `contentType` is the response's Content-Type (format negotiation);
 * samples without a timestamp get `defaultTimestampMs` (the scrape's start, as Prometheus does).
 * Throws an Error whose message becomes the target's lastError on malformed input.
 */
export type ExpositionParser = (body: string, contentType: string, defaultTimestampMs: number) => ParsedExposition;

export const parseExposition: ExpositionParser = parsePrometheusTextStub;

/** Prometheus 2.42's Accept: OpenMetrics first. The stub only reads text 0.0.4, so it asks for that. */
export const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
export const SCRAPE_ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';
