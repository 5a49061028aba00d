// Counters the collector keeps about itself, per signal, served on /metrics (Prometheus text) and
// /health. A signal's item counters are named after its unit, so the trace signal (unit `spans`)
// keeps the names it always had: meshlight_spans_accepted_total, meshlight_queue_spans, ...
export class SignalStats {
  accepted = 0;
  rejected = 0;
  written = 0;
  droppedInvalid = 0;
  batchesWritten = 0;
  writeFailures = 0;
  readonly requestsRefused = new Map<string, number>();

  constructor(
    readonly signal: string,
    readonly unit: string,
  ) {}

  refused(reason: string): void {
    this.requestsRefused.set(reason, (this.requestsRefused.get(reason) ?? 0) + 1);
  }

  /** Everything accepted has been written or refused by the database. */
  get settled(): boolean {
    return this.written + this.droppedInvalid >= this.accepted;
  }
}

export interface SignalGauges {
  queuedItems: number;
  queuedBytes: number;
  storageAvailable: boolean;
}

type Sample = [labels: string, value: number];

/** Prometheus text for every signal: one HELP/TYPE per metric name, then its samples. */
export function signalsToPrometheus(signals: ReadonlyArray<{ stats: SignalStats; gauges: SignalGauges }>): string {
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Sample[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
  };
  for (const { stats, gauges } of signals) {
    const u = stats.unit;
    metric(`meshlight_${u}_accepted_total`, 'counter', `${u} accepted by the receivers.`, [['', stats.accepted]]);
    metric(`meshlight_${u}_rejected_total`, 'counter', `${u} refused as invalid and reported in partial_success.`, [['', stats.rejected]]);
    metric(`meshlight_${u}_written_total`, 'counter', `${u} committed to the database.`, [['', stats.written]]);
    metric(`meshlight_${u}_dropped_invalid_total`, 'counter', `Accepted ${u} the database refused (logged).`, [['', stats.droppedInvalid]]);
    metric(`meshlight_queue_${u}`, 'gauge', `${u} accepted and waiting to be written.`, [['', gauges.queuedItems]]);
  }
  const bySignal = (value: (s: { stats: SignalStats; gauges: SignalGauges }) => number): Sample[] =>
    signals.map((s) => [`{signal="${s.stats.signal}"}`, value(s)]);
  metric('meshlight_write_failures_total', 'counter', 'Failed batch writes (retried).', bySignal((s) => s.stats.writeFailures));
  metric('meshlight_batches_written_total', 'counter', 'Batches committed to the database.', bySignal((s) => s.stats.batchesWritten));
  metric(
    'meshlight_requests_refused_total',
    'counter',
    'Export requests refused, by reason.',
    signals.flatMap(({ stats }) => [...stats.requestsRefused].map(([reason, n]): Sample => [`{signal="${stats.signal}",reason="${reason}"}`, n])),
  );
  metric('meshlight_queue_bytes', 'gauge', 'Bytes of encoded rows waiting to be written.', bySignal((s) => s.gauges.queuedBytes));
  metric('meshlight_storage_available', 'gauge', '1 when the last write reached the database.', bySignal((s) => (s.gauges.storageAvailable ? 1 : 0)));
  return out.join('\n') + '\n';
}
