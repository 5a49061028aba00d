// The collector's alert evaluator: every `intervalMs` (15 s) it evaluates the enabled rules (the
// built-in ones and those of MESHLIGHT_RULES_FILE, re-read when the file changes) over the signals in
// PostgreSQL, stores each rule's alerts and their transitions (alert_rules, alerts, alert_history),
// and notifies the webhook / Alertmanager. Rule definitions are upserted into alert_rules; the
// `enabled` column is the user's and is only read here. Alerts are restored from `alerts` at start,
// so a restart neither re-fires nor forgets what was pending. Once a round's transitions are stored
// they are pushed to browsers over the live hub (`alerts-changed`), so /incidents and an incident's
// page refetch at once rather than on their next poll.
import { readFile, stat } from 'node:fs/promises';
import { AlertEvaluator, type RuleDescriptor, type RuleRoundResult } from '../../lib/domain/alerting/evaluator';
import { FanoutQueryable } from '../../lib/domain/alerting/fanout-queryable';
import { RedQueryable } from '../../lib/domain/alerting/red-queryable';
import { parseRulesFile } from '../../lib/domain/alerting/rules-file';
import type { ActiveAlert, AlertTransition } from '../../lib/domain/alerting/state-machine';
import type { SeriesQueryable } from '../../lib/domain/metrics/types';
import type { SqlExecutor } from '../store/sql-executor';
import { AlertNotifier, type NotifierConfig, type OutgoingAlert } from './notifiers';
import { pgRedSource, pgSignalSources, type QueryFn } from '../../lib/db/alerting-sources';
import { MAX_ALERT_TRANSITIONS, type AlertsChangedMessage, type LiveMessage } from '../../lib/contracts/live-messages';

export interface AlertLoopOptions {
  intervalMs: number;
  rulesFile?: string;
  notifier: NotifierConfig;
  /** Stored metrics etc., read alongside RED from traces (e.g. the metrics store's PgSeriesQueryable). */
  extraQueryables?: SeriesQueryable[];
  now?: () => number;
}

interface Broadcaster {
  broadcast(message: LiveMessage): void;
}

interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * MESHLIGHT_RULES_FILE, MESHLIGHT_ALERT_WEBHOOK_URL, MESHLIGHT_ALERTMANAGER_URL, and
 * MESHLIGHT_EXTERNAL_URL (the UI's address in links; default http(s)://localhost:<MESHLIGHT_UI_PORT>).
 * A malformed URL throws, which stops the collector at start-up with the variable's name.
 */
export function alertLoopOptionsFromEnv(env: Record<string, string | undefined>): AlertLoopOptions {
  const uiScheme = env.MESHLIGHT_TLS_CERT_FILE && env.MESHLIGHT_UI_TLS?.toLowerCase() !== 'off' ? 'https' : 'http';
  const uiBaseUrl = env.MESHLIGHT_EXTERNAL_URL || `${uiScheme}://localhost:${env.MESHLIGHT_UI_PORT || 3000}`;
  const url = (name: string) => {
    const value = env[name];
    if (!value) return undefined;
    if (!/^https?:\/\//.test(value)) throw new Error(`${name} must be an http(s):// URL, got ${JSON.stringify(value)}`);
    return value;
  };
  return {
    intervalMs: 15_000,
    rulesFile: env.MESHLIGHT_RULES_FILE || undefined,
    notifier: { webhookUrl: url('MESHLIGHT_ALERT_WEBHOOK_URL'), alertmanagerUrl: url('MESHLIGHT_ALERTMANAGER_URL'), externalUrl: uiBaseUrl },
  };
}

export class AlertLoop {
  private readonly evaluator: AlertEvaluator;
  private readonly notifier: AlertNotifier;
  private readonly now: () => number;
  private readonly query: QueryFn;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private rulesMtimeMs = -1;
  private rulesSynced = false;
  private restored = false;
  readonly counters = { rounds: 0, failures: 0 };

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: AlertLoopOptions,
    private readonly log: Logger,
    private readonly live?: Broadcaster,
  ) {
    this.query = <Row>(sql: string, params?: unknown[]) => db.query<Row>(sql, params);
    const red = new RedQueryable(pgRedSource(this.query));
    this.evaluator = new AlertEvaluator(new FanoutQueryable(red, ...(options.extraQueryables ?? [])), pgSignalSources(this.query));
    this.notifier = new AlertNotifier(options.notifier, log);
    this.now = options.now ?? Date.now;
  }

  start(): void {
    const tick = () => {
      this.running = this.evaluateOnce()
        .catch((error) => {
          this.counters.failures++;
          this.log.warn('alert evaluation failed; will retry', { error: String(error) });
        })
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  rules(): RuleDescriptor[] {
    return this.evaluator.rules();
  }

  /** One round: reload the rules file if changed, evaluate, store, notify. */
  async evaluateOnce(): Promise<RuleRoundResult[]> {
    await this.reloadRulesFile();
    const nowMs = this.now();
    if (!this.rulesSynced) await this.syncRules(nowMs);
    if (!this.restored) await this.restoreAlerts();
    const enabledRows = await this.query<{ id: string; enabled: boolean }>(`SELECT id, enabled FROM alert_rules`);
    const enabled = new Map(enabledRows.map((r) => [r.id, r.enabled]));
    const defaults = new Map(this.evaluator.rules().map((r) => [r.id, r.enabledByDefault]));
    const rounds = await this.evaluator.evaluate(nowMs, (id) => enabled.get(id) ?? defaults.get(id) ?? true);
    await this.store(rounds, nowMs);
    this.counters.rounds++;
    const changed = alertsChanged(rounds, nowMs);
    if (changed) this.live?.broadcast(changed);
    if (this.notifier.enabled) await this.notifier.notify(...this.outgoing(rounds), nowMs);
    return rounds;
  }

  private async reloadRulesFile(): Promise<void> {
    const file = this.options.rulesFile;
    if (!file) return;
    try {
      const { mtimeMs } = await stat(file);
      if (mtimeMs === this.rulesMtimeMs) return;
      this.rulesMtimeMs = mtimeMs;
      const rules = parseRulesFile(await readFile(file, 'utf8'));
      this.evaluator.setFileRules(rules);
      this.rulesSynced = false;
      this.log.info('alert rules loaded', { file, rules: rules.length });
    } catch (error) {
      // Keep the rules we had: a half-written or broken file must not silence alerting.
      this.log.error('alert rules file not loaded; keeping the previous rules', { file, error: (error as Error).message });
    }
  }

  private async syncRules(nowMs: number): Promise<void> {
    const rules = this.evaluator.rules();
    await this.query(
      `INSERT INTO alert_rules (id, kind, name, group_name, expr, description, for_ms, keep_firing_for_ms, labels, annotations, enabled, present, updated_ms)
       SELECT r.id, r.kind, r.name, r.group_name, r.expr, r.description, r.for_ms, r.keep_firing_for_ms, r.labels, r.annotations, r.enabled, true, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, kind text, name text, group_name text, expr text, description text, for_ms bigint, keep_firing_for_ms bigint, labels jsonb, annotations jsonb, enabled boolean)
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, group_name = EXCLUDED.group_name, expr = EXCLUDED.expr,
         description = EXCLUDED.description, for_ms = EXCLUDED.for_ms, keep_firing_for_ms = EXCLUDED.keep_firing_for_ms, labels = EXCLUDED.labels,
         annotations = EXCLUDED.annotations, present = true, updated_ms = EXCLUDED.updated_ms`,
      [
        JSON.stringify(
          rules.map((r) => ({ id: r.id, kind: r.kind, name: r.name, group_name: r.group, expr: r.expr, description: r.description, for_ms: r.forMs, keep_firing_for_ms: r.keepFiringForMs, labels: r.labels, annotations: r.annotations, enabled: r.enabledByDefault })),
        ),
        nowMs,
      ],
    );
    await this.query(`UPDATE alert_rules SET present = false WHERE NOT (id = ANY($1::text[]))`, [rules.map((r) => r.id)]);
    this.rulesSynced = true;
  }

  private async restoreAlerts(): Promise<void> {
    const rows = await this.query<{
      rule_id: string; labels_key: string; labels: Record<string, string>; annotations: Record<string, string>; state: ActiveAlert['state'];
      value: number; active_at_ms: string; fired_at_ms: string | null; resolved_at_ms: string | null; last_seen_ms: string; held_until_ms: string | null;
    }>(`SELECT rule_id, labels_key, labels, annotations, state, value, active_at_ms, fired_at_ms, resolved_at_ms, last_seen_ms, held_until_ms FROM alerts`);
    for (const r of rows) {
      this.evaluator.machine(r.rule_id)?.restore({
        key: r.labels_key, labels: r.labels, annotations: r.annotations, state: r.state, value: Number(r.value),
        activeAtMs: Number(r.active_at_ms), firedAtMs: r.fired_at_ms === null ? null : Number(r.fired_at_ms),
        resolvedAtMs: r.resolved_at_ms === null ? null : Number(r.resolved_at_ms), lastSeenMs: Number(r.last_seen_ms),
        heldUntilMs: r.held_until_ms === null ? null : Number(r.held_until_ms),
      });
    }
    this.restored = true;
  }

  private async store(rounds: RuleRoundResult[], nowMs: number): Promise<void> {
    const alerts = rounds.flatMap((r) =>
      r.alerts.map((a) => ({
        rule_id: r.ruleId, labels_key: a.key, labels: a.labels, annotations: a.annotations, state: a.state, value: finite(a.value),
        active_at_ms: a.activeAtMs, fired_at_ms: a.firedAtMs, resolved_at_ms: a.resolvedAtMs, last_seen_ms: a.lastSeenMs, held_until_ms: a.heldUntilMs ?? null,
      })),
    );
    const activeAt = new Map(rounds.flatMap((r) => r.alerts.map((a) => [`${r.ruleId}\u0000${a.key}`, a.activeAtMs] as const)));
    const history = rounds.flatMap((r) =>
      r.transitions.map((t: AlertTransition) => ({
        rule_id: r.ruleId, labels_key: t.key, labels: t.labels, annotations: r.alerts.find((a) => a.key === t.key)?.annotations ?? {},
        from_state: t.from, to_state: t.to, t_ms: t.atMs, active_at_ms: activeAt.get(`${r.ruleId}\u0000${t.key}`) ?? t.atMs, value: finite(t.value), ended_ms: t.endedAtMs ?? null,
      })),
    );
    const evaluated = rounds.map((r) => ({ id: r.ruleId, error: r.error ?? null }));
    await this.db.transaction(async (s) => {
      await s.query(
        `DELETE FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS r(rule_id text, labels_key text) WHERE r.rule_id = a.rule_id AND r.labels_key = a.labels_key)`,
        [JSON.stringify(alerts.map(({ rule_id, labels_key }) => ({ rule_id, labels_key })))],
      );
      if (alerts.length) {
        await s.query(
          `INSERT INTO alerts (rule_id, labels_key, labels, annotations, state, value, active_at_ms, fired_at_ms, resolved_at_ms, last_seen_ms, held_until_ms, updated_ms)
           SELECT r.rule_id, r.labels_key, r.labels, r.annotations, r.state, r.value, r.active_at_ms, r.fired_at_ms, r.resolved_at_ms, r.last_seen_ms, r.held_until_ms, $2
           FROM jsonb_to_recordset($1::jsonb) AS r(rule_id text, labels_key text, labels jsonb, annotations jsonb, state text, value float8, active_at_ms bigint, fired_at_ms bigint, resolved_at_ms bigint, last_seen_ms bigint, held_until_ms bigint)
           ON CONFLICT (rule_id, labels_key) DO UPDATE SET labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, state = EXCLUDED.state, value = EXCLUDED.value,
             active_at_ms = EXCLUDED.active_at_ms, fired_at_ms = EXCLUDED.fired_at_ms, resolved_at_ms = EXCLUDED.resolved_at_ms, last_seen_ms = EXCLUDED.last_seen_ms,
             held_until_ms = EXCLUDED.held_until_ms, updated_ms = EXCLUDED.updated_ms`,
          [JSON.stringify(alerts), nowMs],
        );
      }
      if (history.length) {
        await s.query(
          `INSERT INTO alert_history (rule_id, labels_key, labels, annotations, from_state, to_state, t_ms, active_at_ms, value, ended_ms)
           SELECT r.rule_id, r.labels_key, r.labels, r.annotations, r.from_state, r.to_state, r.t_ms, r.active_at_ms, r.value, r.ended_ms
           FROM jsonb_to_recordset($1::jsonb) AS r(rule_id text, labels_key text, labels jsonb, annotations jsonb, from_state text, to_state text, t_ms bigint, active_at_ms bigint, value float8, ended_ms bigint)`,
          [JSON.stringify(history)],
        );
      }
      await s.query(
        `UPDATE alert_rules SET last_eval_ms = $2, last_error = r.error FROM jsonb_to_recordset($1::jsonb) AS r(id text, error text) WHERE alert_rules.id = r.id`,
        [JSON.stringify(evaluated), nowMs],
      );
    });
  }

  private outgoing(rounds: RuleRoundResult[]): [OutgoingAlert[], OutgoingAlert[]] {
    const base = this.options.notifier.externalUrl.replace(/\/$/, '');
    const toOutgoing = (ruleId: string, a: ActiveAlert): OutgoingAlert => ({
      labels: a.labels,
      annotations: a.annotations,
      state: a.state === 'resolved' ? 'resolved' : 'firing',
      startsAtMs: a.firedAtMs ?? a.activeAtMs,
      endsAtMs: a.state === 'resolved' ? (a.resolvedAtMs ?? this.now()) : null,
      generatorURL: `${base}/incidents?rule=${encodeURIComponent(ruleId)}`,
    });
    const changed: OutgoingAlert[] = [];
    const firing: OutgoingAlert[] = [];
    for (const r of rounds) {
      const byKey = new Map(r.alerts.map((a) => [a.key, a]));
      for (const t of r.transitions) {
        const a = byKey.get(t.key);
        if (a && (t.to === 'firing' || t.to === 'resolved')) changed.push(toOutgoing(r.ruleId, a));
      }
      for (const a of r.alerts) if (a.state === 'firing') firing.push(toOutgoing(r.ruleId, a));
    }
    return [changed, firing];
  }
}

/** The round's transitions as one live message (the first MAX_ALERT_TRANSITIONS), or undefined without any. */
export function alertsChanged(rounds: readonly RuleRoundResult[], nowMs: number): AlertsChangedMessage | undefined {
  const all = rounds.flatMap((r) =>
    r.transitions.map((t) => ({ ruleId: r.ruleId, alertname: t.labels.alertname ?? r.ruleId, labels: t.labels, from: t.from, to: t.to, atMs: t.atMs })),
  );
  if (all.length === 0) return undefined;
  return { type: 'alerts-changed', atMs: nowMs, transitions: all.slice(0, MAX_ALERT_TRANSITIONS), more: Math.max(0, all.length - MAX_ALERT_TRANSITIONS) };
}

/** JSON has no NaN/Inf; PromQL can produce them. */
function finite(v: number): number {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? 0 : Math.sign(v) * Number.MAX_VALUE;
}
