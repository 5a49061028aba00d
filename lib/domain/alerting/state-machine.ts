// The alert state machine of one rule, per label set, after Prometheus's rules/alerting.go:
// a label set that the expression returns becomes *pending*; once it has been active for `for` it
// is *firing* (at once when `for` is 0); when it disappears a firing alert stays firing for
// `keep_firing_for`, then is *resolved* (kept for 15 minutes, as Prometheus keeps resolved alerts
// so notifications can say so) and a pending one just goes away (*inactive*). Time is passed in by
// the caller (an injected clock), never read here.
//
// The transitions keep Prometheus's timing (keep_firing_for, `for`), but a resolved alert also
// records when its condition last held (`endedAtMs`): the last evaluation that returned its label
// set, or earlier when the rule says so (`heldUntilMs`: a rule measuring over a window that reaches
// back, like the built-in jump rules, reports the end of the last bad slice in that window). That
// is the alert's (and its incident's) end, not the evaluation that confirmed the resolution a
// keep_firing_for (and a window) later.
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
  /** The latest moment its condition held: the samples' `heldUntilMs`, else the evaluation's time. */
  heldUntilMs?: number | null;
  /** A resolved alert: when its condition last held (≤ resolvedAtMs, ≥ firedAtMs). */
  endedAtMs?: number | null;
}

export interface AlertTransition {
  key: string;
  labels: Record<string, string>;
  from: AlertState | 'inactive';
  to: AlertState | 'inactive';
  atMs: number;
  value: number;
  /** On `→ resolved`: when the condition last held (the episode's end); `atMs` is when that was confirmed. */
  endedAtMs?: number;
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
  /**
   * When the condition last held, if earlier than the evaluation: a rule whose measure spans a
   * window reaching back (the built-in jump rules' 45 s) says when its last bad slice ended.
   */
  heldUntilMs?: number;
}

/** A resolving alert's end: when its condition last held, never before it fired nor after `nowMs`. */
export function conditionEnd(a: ActiveAlert, nowMs: number): number {
  const held = a.heldUntilMs ?? a.lastSeenMs;
  return Math.min(nowMs, Math.max(a.firedAtMs ?? a.activeAtMs, held));
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
      // Switched off: its condition may still hold, so the episode ends now.
      const resolving = a.state === 'firing';
      transitions.push({ key, labels: a.labels, from: a.state, to: resolving ? 'resolved' : 'inactive', atMs: nowMs, value: a.value, ...(resolving ? { endedAtMs: nowMs } : {}) });
      if (resolving) {
        a.state = 'resolved';
        a.resolvedAtMs = nowMs;
        a.endedAtMs = nowMs;
      } else this.alerts.delete(key);
    }
    return transitions;
  }

  /** Applies one evaluation's results at `nowMs`; returns the transitions it caused. */
  evaluate(results: readonly ResultSample[], nowMs: number): AlertTransition[] {
    const transitions: AlertTransition[] = [];
    const move = (a: ActiveAlert, to: AlertState | 'inactive') => {
      transitions.push({ key: a.key, labels: a.labels, from: a.state, to, atMs: nowMs, value: a.value, ...(to === 'resolved' ? { endedAtMs: a.endedAtMs ?? nowMs } : {}) });
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
        a = { key, labels: all, annotations, state: 'pending', value: r.value, activeAtMs: nowMs, firedAtMs: null, resolvedAtMs: null, lastSeenMs: nowMs, heldUntilMs: null, endedAtMs: null };
        this.alerts.set(key, a);
        transitions.push({ key, labels: all, from: 'inactive', to: 'pending', atMs: nowMs, value: r.value });
      }
      a.value = r.value;
      a.annotations = annotations;
      a.lastSeenMs = nowMs;
      a.missingSinceMs = null;
      const held = Math.min(nowMs, r.heldUntilMs ?? nowMs);
      a.heldUntilMs = Math.max(a.heldUntilMs ?? held, held);
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
          a.endedAtMs = conditionEnd(a, nowMs);
          move(a, 'resolved');
        }
      } else if (a.resolvedAtMs !== null && nowMs - a.resolvedAtMs >= RESOLVED_RETENTION_MS) {
        this.alerts.delete(key);
      }
    }
    return transitions;
  }
}
