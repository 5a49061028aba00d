// Scrape targets as the scrape loops see them, built from the configuration file's jobs (static and
// file_sd groups), the runtime API's rows and the collector itself; and the target labels Prometheus
// attaches to every scraped series (job, instance, the group's labels; honor_labels decides who wins
// a conflict: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config).
import type { ScrapeJob } from '../../lib/contracts/scrape-config';
import type { Labels, SeriesSamples } from '../../lib/domain/metrics/types';

export type ScrapeTargetSource = 'api' | 'config' | 'file_sd' | 'self';

export interface ScrapeAuth {
  basic?: { username: string; password?: string; passwordFile?: string };
  bearer?: { type: string; credentials?: string; credentialsFile?: string };
}

export interface ScrapeTargetSpec {
  source: ScrapeTargetSource;
  job: string;
  /** host:port */
  address: string;
  scheme: 'http' | 'https';
  metricsPath: string;
  params: Record<string, string[]>;
  intervalMs: number;
  timeoutMs: number;
  honorLabels: boolean;
  honorTimestamps: boolean;
  /** Target labels: job, instance and the group's labels (no `__` labels). */
  labels: Record<string, string>;
  auth?: ScrapeAuth;
  /** What the target serves (default prometheus): `nats-jsz` is a NATS monitoring endpoint's /jsz, for broker lag. */
  format?: 'prometheus' | 'nats-jsz';
  /** The scrape_targets row, when known. */
  id?: string;
}

export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** One target per address of each group, with Prometheus's `__scheme__`/`__metrics_path__`/`__param_*` overrides. */
export function targetsOfJob(job: ScrapeJob, groups: readonly TargetGroup[], source: ScrapeTargetSource): ScrapeTargetSpec[] {
  const out: ScrapeTargetSpec[] = [];
  for (const group of groups) {
    for (const address of group.targets) {
      const all: Record<string, string> = { job: job.jobName, ...group.labels };
      const params = { ...job.params };
      let scheme = job.scheme;
      let metricsPath = job.metricsPath;
      const labels: Record<string, string> = {};
      for (const [name, value] of Object.entries(all)) {
        if (name === '__scheme__' && (value === 'http' || value === 'https')) scheme = value;
        else if (name === '__metrics_path__' && value.startsWith('/')) metricsPath = value;
        else if (name.startsWith('__param_')) params[name.slice('__param_'.length)] = [value];
        else if (!name.startsWith('__')) labels[name] = value;
      }
      labels.instance ||= address;
      out.push({
        source,
        // A group may set its own `job` label (file_sd often does); the target is listed under it.
        job: labels.job || job.jobName,
        address,
        scheme,
        metricsPath,
        params,
        intervalMs: job.intervalMs,
        timeoutMs: job.timeoutMs,
        honorLabels: job.honorLabels,
        honorTimestamps: job.honorTimestamps,
        labels,
        auth: job.authorization,
      });
    }
  }
  return out;
}

/** The URL a target is scraped at. */
export function scrapeUrl(target: ScrapeTargetSpec): string {
  const url = new URL(`${target.scheme}://${target.address}${target.metricsPath}`);
  for (const [name, values] of Object.entries(target.params)) for (const value of values) url.searchParams.append(name, value);
  return url.toString();
}

/** What makes two specs the same scrape loop (a change restarts the loop). */
export function targetIdentity(target: ScrapeTargetSpec): string {
  const { id: _id, ...rest } = target;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * Adds the target labels to a scraped series. honor_labels false: a scraped label that clashes
 * is kept as `exported_<name>` and the target's value wins; true: the scraped value wins.
 */
export function withTargetLabels(scraped: Labels, targetLabels: Readonly<Record<string, string>>, honorLabels: boolean): Record<string, string> {
  const out: Record<string, string> = { ...scraped };
  for (const [name, value] of Object.entries(targetLabels)) {
    const existing = out[name];
    if (existing === undefined || existing === '') out[name] = value;
    else if (!honorLabels) {
      let exported = `exported_${name}`;
      while (out[exported] !== undefined) exported = `exported_${exported}`;
      out[exported] = existing;
      out[name] = value;
    }
  }
  return out;
}

export function labelTargetSeries(series: SeriesSamples[], target: ScrapeTargetSpec): SeriesSamples[] {
  return series.map((s) => ({ labels: withTargetLabels(s.labels, target.labels, target.honorLabels), samples: s.samples }));
}
