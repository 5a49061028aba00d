// What the scraper needs from an exposition parser: the body in, series with samples and metadata
// out. An adapter over lib/domain/metrics/exposition (Prometheus text 0.0.4 and OpenMetrics 1.0,
// chosen by Content-Type as Prometheus 2.42 does; its Accept header byte for byte).
import { parsePrometheusText, SCRAPE_ACCEPT_HEADER } from '../../lib/domain/metrics/exposition/parse-prometheus-text';
import type { MetricMetadata, SeriesSamples } from '../../lib/domain/metrics/types';
import { seriesKey } from '../store/metric-store';

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

export const parseExposition: ExpositionParser = (body, contentType, defaultTimestampMs) => {
  const parsed = parsePrometheusText(body, contentType, defaultTimestampMs);
  const bySeries = new Map<string, SeriesSamples>();
  for (const sample of parsed.samples) {
    const key = seriesKey(sample.labels);
    let series = bySeries.get(key);
    if (!series) bySeries.set(key, (series = { labels: sample.labels, samples: [] }));
    series.samples.push({ t: sample.t, v: sample.value });
  }
  return { series: [...bySeries.values()], metadata: parsed.metadata };
};

/** Prometheus 2.42's Accept header: OpenMetrics first, then text 0.0.4. */
export const SCRAPE_ACCEPT = SCRAPE_ACCEPT_HEADER;
