// The messages between run-demo (the supervisor) and the services it spawns, over Node's IPC
// channel: chaos switches go down, readiness and the few facts the terminal summary shows
// (breaker state, queue depth) come up. Validated on receipt: a service may be started by hand
// by someone else's script.
import { z } from 'zod';
import { chaosStateSchema } from './scenarios';

export const breakerStateSchema = z.enum(['closed', 'open', 'half_open']);
export type BreakerState = z.infer<typeof breakerStateSchema>;

export const toServiceSchema = z.object({ type: z.literal('chaos'), state: chaosStateSchema });
export type ToService = z.infer<typeof toServiceSchema>;

export const fromServiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), service: z.string() }),
  z.object({ type: z.literal('breaker'), service: z.string(), circuit: z.string(), state: breakerStateSchema }),
  z.object({
    type: z.literal('queue'),
    service: z.string(),
    queue: z.string(),
    depth: z.number().int().nonnegative(),
    processed: z.number().int().nonnegative(),
  }),
]);
export type FromService = z.infer<typeof fromServiceSchema>;
