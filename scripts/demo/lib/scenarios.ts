// The chaos scenarios the demo can switch on, what each one breaks, and what a user should look at
// in Meshlight while it runs. Shared by the supervisor (run-demo), the control endpoint and the
// services that act on them.
import { z } from 'zod';

export const SCENARIOS = ['payments-down', 'slow-consumer', 'inventory-latency'] as const;
export const scenarioSchema = z.enum(SCENARIOS);
export type Scenario = z.infer<typeof scenarioSchema>;

/** What is switched on right now: one scenario, or none (healthy). */
export const chaosStateSchema = z.union([scenarioSchema, z.literal('none')]);
export type ChaosState = z.infer<typeof chaosStateSchema>;

export interface ScenarioInfo {
  title: string;
  /** What happens in the fleet. */
  effect: string;
  /** Where to look in Meshlight. */
  watch: string;
  /** What to look for once it is healed. */
  recovery: string;
}

export const SCENARIO_INFO: Record<Scenario, ScenarioInfo> = {
  'payments-down': {
    title: 'payments down',
    effect: 'payments answers 503 or hangs; orders\u2019 circuit breaker opens, half-opens, and closes once healed',
    watch: 'the payments breaker opening (circuit.state=open on orders spans), error spans on orders and gateway',
    recovery: 'the breaker half-opens, lets a trial call through, and closes',
  },
  'slow-consumer': {
    title: 'slow consumer',
    effect: 'notifier takes ~10x longer per message; the order.created queue builds, then drains when healed',
    watch: 'queue depth and consumer lag of order.created, long CONSUMER spans in notifier',
    recovery: 'the backlog drains and consumer lag falls back to milliseconds',
  },
  'inventory-latency': {
    title: 'inventory latency spike',
    effect: 'inventory\u2019s gRPC calls take 0.4\u20131.8 s; some checkouts hit orders\u2019 1.5 s deadline',
    watch: 'p95 latency of orders \u2192 inventory (gRPC), DEADLINE_EXCEEDED errors on the edge',
    recovery: 'gRPC latency back to a few milliseconds',
  },
};

export function describeChaos(state: ChaosState): string {
  return state === 'none' ? 'healthy' : SCENARIO_INFO[state].title;
}
