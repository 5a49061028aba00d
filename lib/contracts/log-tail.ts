// The live tail of logs over the collector's WebSocket (`/live`, collector/live/log-tail.ts):
//
//   browser → collector  {type:'subscribe-logs', id, filter}   (again to change the filter)
//                        {type:'unsubscribe-logs'}
//   collector → browser  {type:'log-tail', id, records:[LogEntry…], dropped}  at most every 250 ms,
//                        oldest first, at most MAX_TAIL_RECORDS_PER_FRAME per frame; `dropped` counts
//                        the matching records left out (a fast stream, or a client too slow to read)
//                        {type:'log-tail-error', id, message}   (e.g. a LogQL syntax error)
//
// The filter has /api/logs' fields (lib/domain/logs/log-filter.ts says how each is matched in memory)
// plus an optional LogQL log query. One subscription per connection.
import { z } from 'zod';
import type { LogEntry } from './logs-api';
import { SEVERITY_NAMES } from '../domain/logs/severity';
import type { LogTailFilter } from '../domain/logs/log-filter';

export const MAX_TAIL_RECORDS_PER_FRAME = 200;

export const logTailFilterSchema = z.object({
  service: z.string().trim().max(256).optional(),
  severities: z.array(z.enum(SEVERITY_NAMES)).max(SEVERITY_NAMES.length).optional(),
  q: z.string().max(1000).optional(),
  traceId: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{0,32}$/, 'traceId must be up to 32 hex digits')
    .optional(),
  correlationId: z.string().trim().max(256).optional(),
  attributes: z
    .array(z.object({ key: z.string().min(1).max(256), value: z.string().max(1000) }))
    .max(10)
    .optional(),
  logql: z.string().max(2000).optional(),
}) satisfies z.ZodType<LogTailFilter>;

const subscriptionId = z.string().min(1).max(64);

export const subscribeLogsMessage = z.object({ type: z.literal('subscribe-logs'), id: subscriptionId, filter: logTailFilterSchema });
export const unsubscribeLogsMessage = z.object({ type: z.literal('unsubscribe-logs') });

/** What a browser may send on /live. */
export const liveClientMessage = z.discriminatedUnion('type', [subscribeLogsMessage, unsubscribeLogsMessage]);
export type LiveClientMessage = z.infer<typeof liveClientMessage>;
export type SubscribeLogsMessage = z.infer<typeof subscribeLogsMessage>;

export function parseLiveClientMessage(text: string): LiveClientMessage | undefined {
  try {
    const result = liveClientMessage.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

const attributesWire = z.record(z.string(), z.unknown()) as unknown as z.ZodType<LogEntry['attributes']>;

export const logEntryWire = z.object({
  timeUnixNano: z.string().regex(/^\d+$/),
  time: z.string(),
  service: z.string(),
  severity: z.string(),
  severityNumber: z.number().int(),
  severityText: z.string(),
  body: z.string(),
  traceId: z.string(),
  spanId: z.string(),
  correlationId: z.string(),
  attributes: attributesWire,
  resource: attributesWire,
}) satisfies z.ZodType<LogEntry>;

export const logTailMessage = z.object({
  type: z.literal('log-tail'),
  id: subscriptionId,
  records: z.array(logEntryWire).max(MAX_TAIL_RECORDS_PER_FRAME),
  dropped: z.number().int().nonnegative(),
});

export const logTailErrorMessage = z.object({ type: z.literal('log-tail-error'), id: subscriptionId, message: z.string() });

export type LogTailMessage = z.infer<typeof logTailMessage>;
export type LogTailErrorMessage = z.infer<typeof logTailErrorMessage>;
