// One target's scrape loop, as Prometheus's scrape/scrape.go does it: every interval, GET the
// target with a timeout, parse the exposition, add target labels, append the samples at the
// scrape's start time, write staleness markers (StaleNaN) for series that were in the previous
// scrape and are not in this one (all of them when the target is down), and the report series
// `up`, `scrape_duration_seconds`, `scrape_samples_scraped`. The outcome goes to `onReport`
// (the scrape_targets row).
import { readFileSync } from 'node:fs';
import type { InstantSample, Labels, MetricBatch, MetricMetadata, SeriesSamples } from '../../lib/domain/metrics/types';
import { staleNaN } from '../../lib/domain/metrics/types';
import { seriesKey, type AppendResult } from '../store/metric-store';
import type { ExpositionParser } from './exposition';
import { labelTargetSeries, scrapeUrl, type ScrapeTargetSpec } from './targets';

/** Where scraped samples go: the MetricStore, or the pipeline in front of it. */
export interface MetricSink {
  append(batch: MetricBatch): AppendResult | void;
}

export interface ScrapeReport {
  target: ScrapeTargetSpec;
  health: 'up' | 'down';
  /** Scrape start, Unix ms. */
  scrapeTimeMs: number;
  durationMs: number;
  samples: number;
  refusedSeries: number;
  error: string | undefined;
}

/** Told about every successful scrape: each series' latest value, with target labels, at the scrape time. */
export interface ScrapeObserver {
  observeSamples(samples: readonly InstantSample[], t: number): void;
  /** A `nats-jsz` target's `/jsz?consumers=true` body; throws when the body is not a jsz report. */
  observeJsz?(body: unknown, t: number, cluster: string): void;
}

export interface ScrapeLoopDeps {
  observer?: ScrapeObserver;
  sink: MetricSink;
  parser: ExpositionParser;
  accept: string;
  now: () => number;
  fetch: typeof fetch;
  onReport: (report: ScrapeReport) => void;
}

/** Largest scrape body read (Prometheus's body_size_limit is unlimited by default; we are not). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const REPORT_METADATA: MetricMetadata[] = [
  { metric: 'up', type: 'gauge', help: 'Whether the last scrape of the target succeeded (1) or not (0).', unit: '' },
  { metric: 'scrape_duration_seconds', type: 'gauge', help: 'Duration of the scrape.', unit: 'seconds' },
  { metric: 'scrape_samples_scraped', type: 'gauge', help: 'Samples the target exposed.', unit: '' },
];

export class ScrapeLoop {
  /** Series of the previous scrape that got the scrape's timestamp (explicit timestamps are never marked stale). */
  private previous = new Map<string, Labels>();
  /** The report series (up, ...) written so far, marked stale when the loop stops. */
  private reported: Labels[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    readonly target: ScrapeTargetSpec,
    private readonly deps: ScrapeLoopDeps,
  ) {}

  /** Scrapes every interval, first after an offset spread by the target's identity (like Prometheus). */
  start(offsetMs: number): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.scrapeOnce().finally(() => (this.running = undefined));
      this.timer = setTimeout(tick, this.target.intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, offsetMs % this.target.intervalMs);
    this.timer.unref();
  }

  /** Stops scraping; the target's series get staleness markers (it is gone). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    const t = this.deps.now();
    const stale = [...this.staleSeries(new Set(), t), ...this.reported.map((labels) => ({ labels, samples: [{ t, v: staleNaN() }] }))];
    if (stale.length) this.append(stale, []);
    this.previous.clear();
    this.reported = [];
  }

  async scrapeOnce(): Promise<ScrapeReport> {
    if (this.target.format === 'nats-jsz') return this.scrapeJsz();
    const start = this.deps.now();
    const startedAt = performance.now();
    let parsed: { series: SeriesSamples[]; metadata: MetricMetadata[] } | undefined;
    let error: string | undefined;
    try {
      const body = await this.fetchBody(start);
      parsed = this.deps.parser(body.text, body.contentType, start);
    } catch (cause) {
      error = describeScrapeError(cause, this.target.timeoutMs);
    }
    const durationMs = performance.now() - startedAt;

    const series = parsed ? labelTargetSeries(parsed.series, this.target) : [];
    let samples = 0;
    const current = new Map<string, Labels>();
    for (const s of series) {
      samples += s.samples.length;
      if (!this.target.honorTimestamps) for (const sample of s.samples) sample.t = start;
      if (s.samples.some((sample) => sample.t === start)) current.set(seriesKey(s.labels), s.labels);
    }
    const stale = this.staleSeries(new Set(current.keys()), start);
    this.previous = current;
    if (parsed && this.deps.observer) {
      const latest: InstantSample[] = [];
      for (const s of series) {
        const last = s.samples[s.samples.length - 1];
        if (last) latest.push({ labels: s.labels, value: last.v });
      }
      try {
        this.deps.observer.observeSamples(latest, start);
      } catch {
        // An observer's problem must not stop the scrape from being stored.
      }
    }
    const report = this.reportSeries(start, error === undefined, durationMs, samples);
    this.reported = report.map((r) => r.labels);
    const result = this.append([...series, ...stale, ...report], parsed?.metadata ?? []);
    const out: ScrapeReport = {
      target: this.target,
      health: error === undefined ? 'up' : 'down',
      scrapeTimeMs: start,
      durationMs,
      samples,
      refusedSeries: result?.refusedSeries ?? 0,
      error,
    };
    this.deps.onReport(out);
    return out;
  }

  /**
   * A NATS monitoring endpoint: its JSON goes to the lag monitor (cluster = the job, else the
   * address); only the report series (`up`, `scrape_duration_seconds`, ...) are stored.
   */
  private async scrapeJsz(): Promise<ScrapeReport> {
    const start = this.deps.now();
    const startedAt = performance.now();
    let error: string | undefined;
    try {
      const body = await this.fetchBody(start);
      let json: unknown;
      try {
        json = JSON.parse(body.text);
      } catch {
        throw new Error('the body is not JSON (is this a NATS monitoring endpoint\'s /jsz?)');
      }
      const observe = this.deps.observer?.observeJsz;
      if (!observe) throw new Error('no lag monitor takes NATS /jsz reports in this collector');
      observe.call(this.deps.observer, json, start, this.target.job || this.target.address);
    } catch (cause) {
      error = describeScrapeError(cause, this.target.timeoutMs);
    }
    const durationMs = performance.now() - startedAt;
    const report = this.reportSeries(start, error === undefined, durationMs, 0);
    this.reported = report.map((r) => r.labels);
    this.append(report, []);
    const out: ScrapeReport = { target: this.target, health: error === undefined ? 'up' : 'down', scrapeTimeMs: start, durationMs, samples: 0, refusedSeries: 0, error };
    this.deps.onReport(out);
    return out;
  }

  private append(series: SeriesSamples[], metadata: MetricMetadata[]): AppendResult | void {
    const sampleCount = series.reduce((n, s) => n + s.samples.length, 0);
    return this.deps.sink.append({ series, metadata: [...metadata, ...REPORT_METADATA], sampleCount, rejectedSamples: 0, rejectionMessage: '' });
  }

  private staleSeries(currentKeys: Set<string>, t: number): SeriesSamples[] {
    const out: SeriesSamples[] = [];
    for (const [key, labels] of this.previous) if (!currentKeys.has(key)) out.push({ labels, samples: [{ t, v: staleNaN() }] });
    return out;
  }

  private reportSeries(t: number, up: boolean, durationMs: number, samples: number): SeriesSamples[] {
    const base = { job: this.target.labels.job ?? this.target.job, instance: this.target.labels.instance ?? this.target.address };
    const extra = { ...this.target.labels, ...base };
    return [
      { labels: { ...extra, __name__: 'up' }, samples: [{ t, v: up ? 1 : 0 }] },
      { labels: { ...extra, __name__: 'scrape_duration_seconds' }, samples: [{ t, v: durationMs / 1000 }] },
      { labels: { ...extra, __name__: 'scrape_samples_scraped' }, samples: [{ t, v: samples }] },
    ];
  }

  private async fetchBody(startMs: number): Promise<{ text: string; contentType: string }> {
    void startMs;
    const headers: Record<string, string> = {
      accept: this.deps.accept,
      'user-agent': 'Meshlight-Scraper/0.1',
      'x-prometheus-scrape-timeout-seconds': String(this.target.timeoutMs / 1000),
    };
    const authorization = authorizationHeader(this.target);
    if (authorization) headers.authorization = authorization;
    const response = await this.deps.fetch(scrapeUrl(this.target), { headers, signal: AbortSignal.timeout(this.target.timeoutMs), redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`server returned HTTP status ${response.status} ${response.statusText}`.trim());
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`body of ${length} bytes exceeds the ${MAX_BODY_BYTES}-byte limit`);
    }
    const text = await response.text();
    if (text.length > MAX_BODY_BYTES) throw new Error(`body exceeds the ${MAX_BODY_BYTES}-byte limit`);
    return { text, contentType: response.headers.get('content-type') ?? '' };
  }
}

function authorizationHeader(target: ScrapeTargetSpec): string | undefined {
  const auth = target.auth;
  if (!auth) return undefined;
  if (auth.basic) {
    const password = auth.basic.passwordFile ? readFileSync(auth.basic.passwordFile, 'utf8').trim() : (auth.basic.password ?? '');
    return `Basic ${Buffer.from(`${auth.basic.username}:${password}`).toString('base64')}`;
  }
  if (auth.bearer) {
    const credentials = auth.bearer.credentialsFile ? readFileSync(auth.bearer.credentialsFile, 'utf8').trim() : (auth.bearer.credentials ?? '');
    return `${auth.bearer.type} ${credentials}`;
  }
  return undefined;
}

function describeScrapeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return `context deadline exceeded (scrape timeout ${timeoutMs / 1000}s)`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${error.message}: ${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
    if (cause?.message) return `${error.message}: ${cause.message}`;
    return error.message;
  }
  return String(error);
}
