// Each service's JSON logger. pino's OpenTelemetry instrumentation adds trace_id/span_id/
// trace_flags to every line written inside a span and forwards the records to the OTLP log
// exporter; the mixin adds the request's correlation id so a log line can be found from either id.
import { pino, type Logger } from 'pino';
import { getCorrelationId } from './correlation';

export type { Logger };

export function createLogger(service: string): Logger {
  return pino({
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const id = getCorrelationId();
      return id ? { correlation_id: id } : {};
    },
  });
}
