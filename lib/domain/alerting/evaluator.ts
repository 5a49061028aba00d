// One evaluation round over every enabled rule: PromQL rules through the engine over a
// SeriesQueryable, built-in rules over the signal sources, each result through its rule's state
// machine. Pure apart from the reads it is given; the clock is the caller's `nowMs`. A rule that
// fails (bad data, a source down) keeps its alerts as they were and reports its error.
import type { SeriesQueryable } from '../metrics/types';
import { evaluateInstant, parsePromQL } from '../promql';
import { BUILTIN_RULES, type BuiltinRule } from './builtin-rules';
import type { AlertRuleSpec } from './rules-file';
import type { SignalSources } from './signals';
import { RuleAlerts, type ActiveAlert, type AlertTransition, type ResultSample } from './state-machine';

export type RuleKind = 'builtin' | 'file';

export interface RuleDescriptor {
  id: string;
  kind: RuleKind;
  name: string;
  group: string;
  expr: string | null;
  description: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  enabledByDefault: boolean;
}

export interface RuleRoundResult {
  ruleId: string;
  transitions: AlertTransition[];
  alerts: ActiveAlert[];
  /** Set when the rule could not be evaluated this round. */
  error?: string;
  evaluatedAtMs: number;
}

export function describeBuiltin(rule: BuiltinRule): RuleDescriptor {
  return {
    id: rule.id,
    kind: 'builtin',
    name: rule.name,
    group: 'meshlight',
    expr: null,
    description: rule.description,
    forMs: rule.forMs,
    keepFiringForMs: rule.keepFiringForMs,
    labels: rule.labels,
    annotations: rule.annotations,
    enabledByDefault: rule.enabledByDefault,
  };
}

export function describeFileRule(rule: AlertRuleSpec): RuleDescriptor {
  return {
    id: rule.id,
    kind: 'file',
    name: rule.name,
    group: rule.group,
    expr: rule.expr,
    description: rule.annotations.description ?? rule.annotations.summary ?? '',
    forMs: rule.forMs,
    keepFiringForMs: rule.keepFiringForMs,
    labels: rule.labels,
    annotations: rule.annotations,
    enabledByDefault: true,
  };
}

export class AlertEvaluator {
  private readonly machines = new Map<string, RuleAlerts>();
  private fileRules: AlertRuleSpec[] = [];

  constructor(
    private readonly queryable: SeriesQueryable,
    private readonly sources: SignalSources,
    private readonly builtins: readonly BuiltinRule[] = BUILTIN_RULES,
  ) {}

  setFileRules(rules: AlertRuleSpec[]): void {
    this.fileRules = rules;
    for (const r of rules) this.machines.get(r.id)?.update(r);
  }

  rules(): RuleDescriptor[] {
    return [...this.builtins.map(describeBuiltin), ...this.fileRules.map(describeFileRule)];
  }

  machine(ruleId: string): RuleAlerts | undefined {
    const existing = this.machines.get(ruleId);
    if (existing) return existing;
    const timing = this.builtins.find((r) => r.id === ruleId) ?? this.fileRules.find((r) => r.id === ruleId);
    if (!timing) return undefined;
    const created = new RuleAlerts(timing);
    this.machines.set(ruleId, created);
    return created;
  }

  /**
   * Evaluates the enabled rules at `nowMs`. A disabled rule's alerts are resolved (firing) or
   * dropped (pending) at once, as if its expression had returned nothing for keep_firing_for.
   */
  async evaluate(nowMs: number, enabled: (ruleId: string) => boolean): Promise<RuleRoundResult[]> {
    const jobs: Array<Promise<RuleRoundResult>> = [];
    for (const rule of this.builtins) jobs.push(this.run(rule.id, enabled(rule.id), nowMs, async () => rule.evaluate(this.sources, nowMs)));
    for (const rule of this.fileRules) {
      jobs.push(
        this.run(rule.id, enabled(rule.id), nowMs, async () => ({ samples: await this.promql(rule.expr, nowMs) })),
      );
    }
    return Promise.all(jobs);
  }

  private async run(ruleId: string, on: boolean, nowMs: number, read: () => Promise<{ samples: ResultSample[]; unavailable?: string }>): Promise<RuleRoundResult> {
    const machine = this.machine(ruleId)!;
    if (!on) {
      const transitions = machine.clear(nowMs);
      return { ruleId, transitions, alerts: machine.active, evaluatedAtMs: nowMs };
    }
    try {
      const { samples, unavailable } = await read();
      const transitions = machine.evaluate(samples, nowMs);
      return { ruleId, transitions, alerts: machine.active, evaluatedAtMs: nowMs, ...(unavailable ? { error: unavailable } : {}) };
    } catch (error) {
      return { ruleId, transitions: [], alerts: machine.active, evaluatedAtMs: nowMs, error: (error as Error).message };
    }
  }

  private async promql(expr: string, nowMs: number): Promise<ResultSample[]> {
    const result = await evaluateInstant(this.queryable, parsePromQL(expr), nowMs);
    if (result.resultType === 'vector') return result.result.map((s) => ({ labels: { ...s.metric }, value: s.v }));
    if (result.resultType === 'scalar') return [{ labels: {}, value: result.result[1] }];
    return [];
  }
}
