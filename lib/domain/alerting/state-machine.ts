// The alert state machine of one rule, per label set, after Prometheus's rules/alerting.go:
// a label set that the expression returns becomes *pending*; once it has been active for `for` it
// is *firing* (at once when `for` is 0); when it disappears a firing alert stays firing for
// `keep_firing_for`, then is *resolved* (kept for 15 minutes, as Prometheus keeps resolved alerts
// so notifications can say so) and a pending one just goes away (*inactive*). Time is passed in by
// the caller (an injected clock), never read here.
import { expandTemplate } from './template';

export type AlertState = 'pending' | 'firing' | 'resolved';

export interface ActiveAlert {
  /** Canonical key of `labels`. */
  key: string;
  /** The rule's labels merged over the result's (`alertname` included). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  value: number;
  /** When the label set first became active (pending). */
  activeAtMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  /** Last evaluation at which the expression returned this label set. */
  lastSeenMs: number;
  /** First evaluation at which a firing alert's label set was missing (keep_firing_for counts from it). */
  missingSinceMs?: number | null;
}

export interface AlertTransition {
  key: string;
  labels: Record<string, string>;
  from: AlertState | 'inactive';
  to: AlertState | 'inactive';
  atMs: number;
  value: number;
}

export interface RuleTiming {
  name: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** One expression result: the label set (without `__name__`) and its value. */
export interface ResultSample {
  labels: Record<string, string>;
  value: number;
}

export const RESOLVED_RETENTION_MS = 15 * 60_000;

export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

export class RuleAlerts {
  private readonly alerts = new Map<string, ActiveAlert>();

  constructor(private rule: RuleTiming) {}

  /** Replaces the rule's timing and labels (a reloaded file) while keeping the alerts' states. */
  update(rule: RuleTiming): void {
    this.rule = rule;
  }

  /** Restores an alert from storage (collector restart), so `for` keeps counting from its start. */
  restore(alert: ActiveAlert): void {
    this.alerts.set(alert.key, { ...alert });
  }

  get active(): ActiveAlert[] {
    return [...this.alerts.values()];
  }

  /** The rule was switched off: firing alerts resolve now, pending ones go away. */
  clear(nowMs: number): AlertTransition[] {
    const transitions: AlertTransition[] = [];
    for (const [key, a] of this.alerts) {
      if (a.state === 'resolved') continue;
      transitions.push({ key, labels: a.labels, from: a.state, to: a.state === 'firing' ? 'resolved' : 'inactive', atMs: nowMs, value: a.value });
      if (a.state === 'firing') {
        a.state = 'resolved';
        a.resolvedAtMs = nowMs;
      } else this.alerts.delete(key);
    }
    return transitions;
  }

  /** Applies one evaluation's results at `nowMs`; returns the transitions it caused. */
  evaluate(results: readonly ResultSample[], nowMs: number): AlertTransition[] {
    const transitions: AlertTransition[] = [];
    const move = (a: ActiveAlert, to: AlertState | 'inactive') => {
      transitions.push({ key: a.key, labels: a.labels, from: a.state, to, atMs: nowMs, value: a.value });
      if (to !== 'inactive') a.state = to;
    };
    const seen = new Set<string>();
    for (const r of results) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.labels)) if (k !== '__name__' && v !== '') labels[k] = v;
      const expandedRuleLabels: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.rule.labels)) expandedRuleLabels[k] = expandTemplate(v, { labels, value: r.value });
      const all = { ...labels, ...expandedRuleLabels, alertname: this.rule.name };
      const key = labelsKey(all);
      if (seen.has(key)) continue; // Prometheus: "vector contains metrics with the same labelset after applying alert labels"
      seen.add(key);
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.rule.annotations)) annotations[k] = expandTemplate(v, { labels, value: r.value });
      let a = this.alerts.get(key);
      if (a && a.state === 'resolved') {
        this.alerts.delete(key);
        a = undefined;
      }
      if (!a) {
        a = { key, labels: all, annotations, state: 'pending', value: r.value, activeAtMs: nowMs, firedAtMs: null, resolvedAtMs: null, lastSeenMs: nowMs };
        this.alerts.set(key, a);
        transitions.push({ key, labels: all, from: 'inactive', to: 'pending', atMs: nowMs, value: r.value });
      }
      a.value = r.value;
      a.annotations = annotations;
      a.lastSeenMs = nowMs;
      a.missingSinceMs = null;
      if (a.state === 'pending' && nowMs - a.activeAtMs >= this.rule.forMs) {
        a.firedAtMs = nowMs;
        move(a, 'firing');
      }
    }
    for (const [key, a] of this.alerts) {
      if (seen.has(key)) continue;
      if (a.state === 'pending') {
        move(a, 'inactive');
        this.alerts.delete(key);
      } else if (a.state === 'firing') {
        a.missingSinceMs ??= nowMs;
        if (nowMs - a.missingSinceMs >= this.rule.keepFiringForMs) {
          a.resolvedAtMs = nowMs;
          move(a, 'resolved');
        }
      } else if (a.resolvedAtMs !== null && nowMs - a.resolvedAtMs >= RESOLVED_RETENTION_MS) {
        this.alerts.delete(key);
      }
    }
    return transitions;
  }
}
