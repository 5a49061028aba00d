// What a scrape does with parsed samples before storing them, after Prometheus 2.42's scrape loop
// (scrape/scrape.go): pure functions the scraper calls with a clock reading it took itself.
//
//   scrapeToBatch(parsed, {targetLabels, honorLabels, honorTimestamps?}) → {batch, tracked}
//       Attaches the target's labels (job, instance, static labels) to every sample
//       (mutateSampleLabels): with honor_labels the exposed value wins; without it the target's
//       wins and the exposed one is kept as `exported_<name>` (`exported_exported_<name>` if that
//       is taken too). Empty-valued labels are dropped (Prometheus treats "" as absent). A repeated
//       series+timestamp in one scrape keeps the first sample and is counted as rejected.
//       `tracked` holds the series that staleness applies to: those without explicit timestamps.
//   staleMarkers(previousTracked, currentTracked, scrapeTimeMs) → SeriesSamples[]
//       The series that disappeared since the last scrape, each with one staleness-marker sample
//       (value.StaleNaN). On a failed scrape pass an empty current map: everything goes stale.
//   scrapeReportSeries(targetLabels, report, scrapeTimeMs) → SeriesSamples[]
//       `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
//       `scrape_samples_post_metric_relabeling`, `scrape_series_added`, as Prometheus writes them.
import { staleNaN, type Labels, type MetricBatch, type SeriesSamples } from '../types';
import { labelsKey } from '../labels-key';
import type { ExpositionSample, ParsedExposition } from './exposition-lexing';

export { labelsKey } from '../labels-key';

export interface ScrapeTarget {
  /** The target's labels after relabelling: at least `job` and `instance`, plus static labels. */
  targetLabels: Labels;
  honorLabels: boolean;
  /** Prometheus's honor_timestamps (default true): use timestamps present in the exposition. */
  honorTimestamps?: boolean;
}

export interface ScrapeResult {
  batch: MetricBatch;
  /** Series key → labels, for the series staleness tracking applies to (see staleMarkers). */
  tracked: Map<string, Labels>;
}

export function scrapeToBatch(parsed: ParsedExposition, target: ScrapeTarget, scrapeTimeMs: number): ScrapeResult {
  const honorTimestamps = target.honorTimestamps ?? true;
  const bySeries = new Map<string, SeriesSamples>();
  const tracked = new Map<string, Labels>();
  let sampleCount = 0;
  let rejected = 0;
  let rejectionMessage = '';
  for (const sample of parsed.samples) {
    const labels = targetSampleLabels(sample.labels, target.targetLabels, target.honorLabels);
    const key = labelsKey(labels);
    const explicit = sample.explicitTimestamp && honorTimestamps;
    const t = explicit ? sample.t : scrapeTimeMs;
    let series = bySeries.get(key);
    if (series === undefined) {
      series = { labels, samples: [] };
      bySeries.set(key, series);
    }
    const last = series.samples[series.samples.length - 1];
    if (last !== undefined && t <= last.t) {
      rejected++;
      rejectionMessage ||= `duplicate sample for series ${describe(labels)} at ${t}`;
      continue;
    }
    series.samples.push({ t, v: sample.value });
    sampleCount++;
    if (!explicit) tracked.set(key, labels);
  }
  return {
    batch: { series: [...bySeries.values()], metadata: parsed.metadata, sampleCount, rejectedSamples: rejected, rejectionMessage },
    tracked,
  };
}

/** mutateSampleLabels: the exposed labels with the target's attached (see the file comment). */
export function targetSampleLabels(exposed: ExpositionSample['labels'], targetLabels: Labels, honorLabels: boolean): Labels {
  const result: Record<string, string> = {};
  for (const name in exposed) setOwn(result, name, exposed[name]!);
  if (honorLabels) {
    for (const name in targetLabels) {
      if (!Object.hasOwn(exposed, name) || exposed[name] === '') setOwn(result, name, targetLabels[name]!);
    }
  } else {
    const conflicts: { name: string; value: string }[] = [];
    for (const name in targetLabels) {
      const existing = Object.hasOwn(exposed, name) ? exposed[name] : undefined;
      if (existing !== undefined && existing !== '') conflicts.push({ name, value: existing });
      setOwn(result, name, targetLabels[name]!);
    }
    // As resolveConflictingExposedLabels: shortest names first, each prefixed until it is free.
    conflicts.sort((a, b) => a.name.length - b.name.length);
    const taken = new Set<string>();
    for (const conflict of conflicts) {
      let name = conflict.name;
      do name = `exported_${name}`;
      while (Object.hasOwn(exposed, name) || Object.hasOwn(targetLabels, name) || taken.has(name));
      taken.add(name);
      setOwn(result, name, conflict.value);
    }
  }
  for (const name in result) if (result[name] === '') delete result[name];
  return result;
}

export function staleMarkers(previous: ReadonlyMap<string, Labels>, current: ReadonlyMap<string, Labels>, scrapeTimeMs: number): SeriesSamples[] {
  const stale: SeriesSamples[] = [];
  for (const [key, labels] of previous) {
    if (!current.has(key)) stale.push({ labels, samples: [{ t: scrapeTimeMs, v: staleNaN() }] });
  }
  return stale;
}

export interface ScrapeReport {
  up: boolean;
  durationSeconds: number;
  /** Samples in the exposition (0 when the scrape failed). */
  samplesScraped: number;
  /** Defaults to samplesScraped (Meshlight has no metric_relabel_configs). */
  samplesPostMetricRelabeling?: number;
  /** Series this scrape saw that the previous one did not. */
  seriesAdded: number;
}

export function scrapeReportSeries(targetLabels: Labels, report: ScrapeReport, scrapeTimeMs: number): SeriesSamples[] {
  const series = (name: string, v: number): SeriesSamples => ({ labels: { ...targetLabels, __name__: name }, samples: [{ t: scrapeTimeMs, v }] });
  return [
    series('up', report.up ? 1 : 0),
    series('scrape_duration_seconds', report.durationSeconds),
    series('scrape_samples_scraped', report.samplesScraped),
    series('scrape_samples_post_metric_relabeling', report.samplesPostMetricRelabeling ?? report.samplesScraped),
    series('scrape_series_added', report.seriesAdded),
  ];
}

/** `__proto__` is a legal label name and must become an own property, not the prototype. */
function setOwn(target: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

function describe(labels: Labels): string {
  const { __name__, ...rest } = labels;
  return `${__name__ ?? ''}{${Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}
