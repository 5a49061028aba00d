// Where alerts go: a generic webhook (a JSON body shaped like Alertmanager's webhook receiver's,
// https://prometheus.io/docs/alerting/latest/configuration/#webhook_config, sent when alerts fire or
// resolve) and an Alertmanager (its v2 API, POST /api/v2/alerts — what Prometheus itself sends:
// every firing alert re-sent each minute with endsAt = now + 4 min so Alertmanager keeps it alive,
// a resolved alert sent with endsAt = the resolution time). Failures are logged and retried on the
// next round; they never stop evaluation.
import { createHash } from 'node:crypto';

export interface OutgoingAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'resolved';
  startsAtMs: number;
  /** Resolution time; null while firing. */
  endsAtMs: number | null;
  generatorURL: string;
}

interface Logger {
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const RESEND_DELAY_MS = 60_000;

export function fingerprint(labels: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]))).digest('hex').slice(0, 16);
}

/** Alertmanager v2 `postableAlerts`. */
export function alertmanagerBody(alerts: readonly OutgoingAlert[], nowMs: number): unknown[] {
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAtMs).toISOString(),
    endsAt: new Date(a.endsAtMs ?? nowMs + 4 * RESEND_DELAY_MS).toISOString(),
    generatorURL: a.generatorURL,
  }));
}

/** Alertmanager's webhook payload (version 4), one group per call. */
export function webhookBody(alerts: readonly OutgoingAlert[], externalURL: string): Record<string, unknown> {
  const common = (pick: (a: OutgoingAlert) => Record<string, string>) => {
    const [first, ...rest] = alerts.map(pick);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(first ?? {})) if (rest.every((o) => o[k] === v)) out[k] = v;
    return out;
  };
  return {
    version: '4',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved',
    receiver: 'meshlight',
    groupLabels: {},
    commonLabels: common((a) => a.labels),
    commonAnnotations: common((a) => a.annotations),
    externalURL,
    alerts: alerts.map((a) => ({
      status: a.state,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAtMs).toISOString(),
      endsAt: a.endsAtMs === null ? '0001-01-01T00:00:00Z' : new Date(a.endsAtMs).toISOString(),
      generatorURL: a.generatorURL,
      fingerprint: fingerprint(a.labels),
    })),
  };
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
}

export interface NotifierConfig {
  webhookUrl?: string;
  alertmanagerUrl?: string;
  /** The UI's base URL, for generatorURL and externalURL. */
  externalUrl: string;
}

/**
 * Sends each round's alerts: the webhook gets the alerts that changed (fired or resolved, not
 * pending), Alertmanager gets those plus every firing alert not sent for RESEND_DELAY_MS.
 * Anything that failed is sent again next round.
 */
export class AlertNotifier {
  private readonly lastSent = new Map<string, number>();
  private webhookBacklog: OutgoingAlert[] = [];
  private alertmanagerBacklog = new Map<string, OutgoingAlert>();

  constructor(
    private readonly config: NotifierConfig,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return Boolean(this.config.webhookUrl || this.config.alertmanagerUrl);
  }

  async notify(changed: readonly OutgoingAlert[], firing: readonly OutgoingAlert[], nowMs: number): Promise<void> {
    if (this.config.webhookUrl && (changed.length || this.webhookBacklog.length)) {
      const batch = [...this.webhookBacklog, ...changed];
      try {
        await post(this.config.webhookUrl, webhookBody(batch, this.config.externalUrl));
        this.webhookBacklog = [];
      } catch (error) {
        this.webhookBacklog = batch.slice(-1000);
        this.log.warn('alert webhook failed; will retry', { error: String(error) });
      }
    }
    if (this.config.alertmanagerUrl) {
      for (const a of changed) this.alertmanagerBacklog.set(fingerprint(a.labels), a);
      for (const a of firing) {
        const fp = fingerprint(a.labels);
        if (nowMs - (this.lastSent.get(fp) ?? 0) >= RESEND_DELAY_MS) this.alertmanagerBacklog.set(fp, a);
      }
      if (this.alertmanagerBacklog.size === 0) return;
      const batch = [...this.alertmanagerBacklog.values()];
      try {
        await post(new URL('/api/v2/alerts', this.config.alertmanagerUrl).toString(), alertmanagerBody(batch, nowMs));
        this.alertmanagerBacklog.clear();
        for (const a of batch) {
          const fp = fingerprint(a.labels);
          if (a.state === 'resolved') this.lastSent.delete(fp);
          else this.lastSent.set(fp, nowMs);
        }
      } catch (error) {
        this.log.warn('Alertmanager post failed; will retry', { error: String(error) });
      }
    }
  }
}
