// What a trace search asks for, in domain units. Tag values are strings, as Jaeger's API and UI
// send them; storage matches each against the JSON types an attribute can hold (lib/db).
import type { Nanos } from './model';

export interface TraceQuery {
  service?: string;
  /** Span name. */
  operation?: string;
  /** key → value; every pair must match the same span's attributes or its resource's. */
  tags: Record<string, string>;
  minDurationNs?: Nanos;
  maxDurationNs?: Nanos;
  /** Spans starting in [startNs, endNs] are searched. */
  startNs: Nanos;
  endNs: Nanos;
  /** Maximum number of traces. */
  limit: number;
}
