// Counters the collector keeps about itself, served on /metrics (Prometheus text) and /health.
export class CollectorStats {
  spansAccepted = 0;
  spansRejected = 0;
  spansWritten = 0;
  spansDroppedInvalid = 0;
  batchesWritten = 0;
  writeFailures = 0;
  requestsRefused = new Map<string, number>();
  readonly startedAtMs = Date.now();

  refused(reason: string): void {
    this.requestsRefused.set(reason, (this.requestsRefused.get(reason) ?? 0) + 1);
  }

  toPrometheus(gauges: { queuedSpans: number; queuedBytes: number; storageAvailable: boolean }): string {
    const lines = [
      '# HELP meshlight_spans_accepted_total Spans accepted by the OTLP receivers.',
      '# TYPE meshlight_spans_accepted_total counter',
      `meshlight_spans_accepted_total ${this.spansAccepted}`,
      '# HELP meshlight_spans_rejected_total Spans refused as invalid and reported in partial_success.',
      '# TYPE meshlight_spans_rejected_total counter',
      `meshlight_spans_rejected_total ${this.spansRejected}`,
      '# HELP meshlight_spans_written_total Spans committed to the database.',
      '# TYPE meshlight_spans_written_total counter',
      `meshlight_spans_written_total ${this.spansWritten}`,
      '# HELP meshlight_spans_dropped_invalid_total Accepted spans the database refused (logged).',
      '# TYPE meshlight_spans_dropped_invalid_total counter',
      `meshlight_spans_dropped_invalid_total ${this.spansDroppedInvalid}`,
      '# HELP meshlight_write_failures_total Failed batch writes (retried).',
      '# TYPE meshlight_write_failures_total counter',
      `meshlight_write_failures_total ${this.writeFailures}`,
      '# HELP meshlight_requests_refused_total Export requests refused, by reason.',
      '# TYPE meshlight_requests_refused_total counter',
      ...[...this.requestsRefused].map(([reason, n]) => `meshlight_requests_refused_total{reason="${reason}"} ${n}`),
      '# HELP meshlight_queue_spans Spans accepted and waiting to be written.',
      '# TYPE meshlight_queue_spans gauge',
      `meshlight_queue_spans ${gauges.queuedSpans}`,
      '# HELP meshlight_queue_bytes Bytes of encoded rows waiting to be written.',
      '# TYPE meshlight_queue_bytes gauge',
      `meshlight_queue_bytes ${gauges.queuedBytes}`,
      '# HELP meshlight_storage_available 1 when the last write reached the database.',
      '# TYPE meshlight_storage_available gauge',
      `meshlight_storage_available ${gauges.storageAvailable ? 1 : 0}`,
    ];
    return lines.join('\n') + '\n';
  }
}
