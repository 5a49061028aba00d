// The live tail of logs: an observer of the logs signal that hands each accepted record to the
// /live connections whose filter it matches (lib/domain/logs/log-filter.ts), a frame per client at
// most every `intervalMs`. Bounded on every side, because logs can arrive at tens of thousands a
// second: at most `maxRecordsPerFrame` records are held per client and interval (the rest are
// counted in the frame's `dropped`), a client whose socket is backed up loses the frame (also
// counted), and a batch costs nothing when nobody is subscribed. Protocol: lib/contracts/log-tail.ts.
import { LogQLError } from '../../lib/domain/logs/logql/ast';
import { compileLogFilter, type LogMatcher, type LogSource } from '../../lib/domain/logs/log-filter';
import { effectiveTimeNs, type LogBatch, type LogRecord } from '../../lib/domain/logs/model';
import { severityName } from '../../lib/domain/logs/severity';
import type { LogEntry } from '../../lib/contracts/logs-api';
import { MAX_TAIL_RECORDS_PER_FRAME, type LiveClientMessage } from '../../lib/contracts/log-tail';
import type { BatchObserver } from '../pipeline/signal';
import type { LiveClient, LiveClientHandler, LiveHub } from './live-hub';

export interface LogTailOptions {
  intervalMs?: number;
  maxRecordsPerFrame?: number;
  /** Most subscribed connections; further subscriptions get an error message. */
  maxSubscriptions?: number;
}

interface Subscription {
  id: string;
  match: LogMatcher;
  pending: LogEntry[];
  dropped: number;
}

export interface LogTailStats {
  subscriptions: number;
  recordsSent: number;
  recordsDropped: number;
}

/** A record as the API shows it (the same shape /api/logs returns). */
export function logEntryOfRecord(record: LogRecord, source: LogSource): LogEntry {
  const timeNs = effectiveTimeNs(record);
  return {
    timeUnixNano: timeNs.toString(),
    time: new Date(Number(timeNs / 1_000_000n)).toISOString(),
    service: source.serviceName,
    severity: severityName(record.severityNumber),
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body: record.body,
    traceId: record.traceId,
    spanId: record.spanId,
    correlationId: record.correlationId,
    attributes: record.attributes,
    resource: source.resourceAttributes,
  };
}

export class LogTail implements BatchObserver<LogBatch>, LiveClientHandler {
  private readonly subscriptions = new Map<LiveClient, Subscription>();
  private readonly timer: NodeJS.Timeout;
  private readonly maxPerFrame: number;
  readonly stats: LogTailStats = { subscriptions: 0, recordsSent: 0, recordsDropped: 0 };

  constructor(
    private readonly hub: Pick<LiveHub, 'sendTo' | 'addClientHandler'>,
    private readonly options: LogTailOptions = {},
  ) {
    this.maxPerFrame = Math.min(options.maxRecordsPerFrame ?? MAX_TAIL_RECORDS_PER_FRAME, MAX_TAIL_RECORDS_PER_FRAME);
    hub.addClientHandler(this);
    this.timer = setInterval(() => this.flush(), options.intervalMs ?? 250).unref();
  }

  message(client: LiveClient, message: LiveClientMessage): void {
    if (message.type === 'unsubscribe-logs') {
      this.subscriptions.delete(client);
    } else if (!this.subscriptions.has(client) && this.subscriptions.size >= (this.options.maxSubscriptions ?? 100)) {
      this.hub.sendTo(client, { type: 'log-tail-error', id: message.id, message: 'too many live tails on this collector; try again later' });
    } else {
      try {
        this.subscriptions.set(client, { id: message.id, match: compileLogFilter(message.filter), pending: [], dropped: 0 });
      } catch (error) {
        this.subscriptions.delete(client);
        const text = error instanceof LogQLError ? error.message : 'invalid filter';
        this.hub.sendTo(client, { type: 'log-tail-error', id: message.id, message: text });
      }
    }
    this.stats.subscriptions = this.subscriptions.size;
  }

  closed(client: LiveClient): void {
    this.subscriptions.delete(client);
    this.stats.subscriptions = this.subscriptions.size;
  }

  observe(batch: LogBatch): void {
    if (this.subscriptions.size === 0) return;
    const subscriptions = [...this.subscriptions.values()];
    for (const rl of batch.resourceLogs) {
      const source: LogSource = { serviceName: rl.serviceName, resourceAttributes: rl.resource.attributes };
      for (const sl of rl.scopeLogs) {
        for (const record of sl.records) {
          for (const sub of subscriptions) {
            if (!sub.match(record, source)) continue;
            if (sub.pending.length < this.maxPerFrame) sub.pending.push(logEntryOfRecord(record, source));
            else sub.dropped++;
          }
        }
      }
    }
  }

  /** Sends what each subscription collected since the last frame. */
  flush(): void {
    for (const [client, sub] of this.subscriptions) {
      if (sub.pending.length === 0 && sub.dropped === 0) continue;
      const records = sub.pending;
      const dropped = sub.dropped;
      sub.pending = [];
      sub.dropped = 0;
      if (this.hub.sendTo(client, { type: 'log-tail', id: sub.id, records, dropped })) {
        this.stats.recordsSent += records.length;
        this.stats.recordsDropped += dropped;
      } else {
        // Backed up: the records are lost to this client; say so in its next frame.
        sub.dropped += records.length + dropped;
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.subscriptions.clear();
  }
}
