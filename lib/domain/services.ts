// What the query side knows about services and their operations, independent of storage.
import type { Nanos, SpanKind } from './model';

export interface OperationInfo {
  /** Span name. */
  name: string;
  spanKind: SpanKind;
}

export interface ServiceOverview {
  name: string;
  /** Distinct span names the service reported. */
  operationCount: number;
  /** Start of the newest span seen for the service. */
  lastSeenNs: Nanos;
}
