// Entry point for scraped expositions, with content negotiation as Prometheus 2.42 does it.
//
//   SCRAPE_ACCEPT_HEADER                       the Accept header a scrape request sends
//   parsePrometheusText(text, contentType, scrapeTimeMs) → ParsedExposition
//       {format, samples: [{labels (with __name__), value, t, explicitTimestamp, exemplar?}],
//        metadata: [{metric, type, help, unit}]}
//       Picks the parser from the response Content-Type: `application/openmetrics-text` (any
//       version parameter) → OpenMetrics 1.0; anything else, including a missing header →
//       text format 0.0.4 (Prometheus falls back the same way). Samples without a timestamp get
//       `scrapeTimeMs`. Malformed text throws ExpositionParseError (`line N: …`), nothing else.
//
// Turning samples into a MetricBatch with job/instance labels is scrape-semantics.ts.
import { ExpositionParseError, type ExpositionFormat, type ParsedExposition } from './exposition-lexing';
import { parseOpenMetrics } from './openmetrics-parser';
import { parsePrometheusText004 } from './prometheus-text-parser';

export { ExpositionParseError, type Exemplar, type ExpositionSample, type ExpositionFormat, type ParsedExposition } from './exposition-lexing';

/** Prometheus 2.42's scrapeAcceptHeader (scrape/scrape.go), byte for byte. */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** Which parser a response Content-Type selects (the media type alone decides, as in textparse.New). */
export function expositionFormatFor(contentType: string | null | undefined): ExpositionFormat {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/openmetrics-text' ? 'openmetrics-1.0' : 'prometheus-text-0.0.4';
}

export function parsePrometheusText(text: string, contentType: string | null | undefined, scrapeTimeMs: number): ParsedExposition {
  try {
    return expositionFormatFor(contentType) === 'openmetrics-1.0'
      ? parseOpenMetrics(text, scrapeTimeMs)
      : parsePrometheusText004(text, scrapeTimeMs);
  } catch (error) {
    if (error instanceof ExpositionParseError) throw error;
    // A parser bug or a resource limit on hostile input: still the exposition's problem, never a crash.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ExpositionParseError(0, `unparseable exposition (internal parser error): ${message}`);
  }
}
