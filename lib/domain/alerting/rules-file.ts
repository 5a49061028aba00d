// Prometheus-style alerting rules files (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/):
// `groups: [{name, interval?, rules: [{alert, expr, for?, keep_firing_for?, labels?, annotations?}]}]`.
// Parsed with `yaml`, validated with zod, every `expr` parsed by Meshlight's PromQL parser so a bad
// rule is refused at load time with its group, index and the parser's message. Recording rules
// (`record:`) are refused as unsupported: Meshlight has no rule-written series store yet.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDurationMs, parsePromQL, typeOf } from '../promql';

export interface AlertRuleSpec {
  /** Stable id: `file:<group>/<alert>` (suffixed `#n` when a group repeats an alert name). */
  id: string;
  group: string;
  name: string;
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export class RulesFileError extends Error {}

const duration = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined) return 0;
    const ms = typeof v === 'number' ? v * 1000 : parseDurationMs(v);
    if (ms === null || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(v)} (use e.g. 30s, 5m, 1h)` });
      return 0;
    }
    return ms;
  });

const labelMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional().default({});

const ruleSchema = z
  .object({
    alert: z.string().min(1).optional(),
    record: z.string().optional(),
    expr: z.union([z.string(), z.number()]).transform(String),
    for: duration,
    keep_firing_for: duration,
    labels: labelMap,
    annotations: labelMap,
  })
  .strict();

const fileSchema = z
  .object({
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            interval: z.string().optional(),
            limit: z.number().optional(),
            query_offset: z.string().optional(),
            rules: z.array(z.unknown()).default([]),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

/** Parses a rules file's text; throws RulesFileError naming the first problem. */
export function parseRulesFile(text: string): AlertRuleSpec[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new RulesFileError(`rules file is not valid YAML: ${(error as Error).message}`);
  }
  const file = fileSchema.safeParse(doc ?? {});
  if (!file.success) throw new RulesFileError(`rules file: ${formatIssues(file.error)}`);
  const out: AlertRuleSpec[] = [];
  const seenGroups = new Set<string>();
  for (const group of file.data.groups) {
    if (seenGroups.has(group.name)) throw new RulesFileError(`group "${group.name}" is defined twice`);
    seenGroups.add(group.name);
    const names = new Map<string, number>();
    group.rules.forEach((raw, index) => {
      const where = `group "${group.name}", rule ${index + 1}`;
      const rule = ruleSchema.safeParse(raw);
      if (!rule.success) throw new RulesFileError(`${where}: ${formatIssues(rule.error)}`);
      const r = rule.data;
      if (r.record !== undefined) throw new RulesFileError(`${where}: recording rules ("record: ${r.record}") are not supported; only alerting rules are`);
      if (!r.alert) throw new RulesFileError(`${where}: "alert" is required`);
      try {
        const type = typeOf(parsePromQL(r.expr));
        if (type !== 'vector' && type !== 'scalar') throw new RulesFileError(`expression must be an instant vector or scalar, got ${type}`);
      } catch (error) {
        throw new RulesFileError(`${where} (${r.alert}): invalid expr: ${(error as Error).message}`);
      }
      const n = (names.get(r.alert) ?? 0) + 1;
      names.set(r.alert, n);
      out.push({
        id: `file:${group.name}/${r.alert}${n > 1 ? `#${n}` : ''}`,
        group: group.name,
        name: r.alert,
        expr: r.expr,
        forMs: r.for,
        keepFiringForMs: r.keep_firing_for,
        labels: r.labels,
        annotations: r.annotations,
      });
    });
  }
  return out;
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
