// The JSON the Jaeger query service's HTTP API (/api/...) returns, as the Jaeger UI, Grafana's
// Jaeger data source and scripts consume it. Field names, nullability and units follow Jaeger's
// model/json (github.com/jaegertracing/jaeger, model/json/model.go) and its structuredResponse
// envelope (cmd/query/app/http_handler.go).

/** Microseconds since the Unix epoch, or a duration in microseconds. */
export type Micros = number;

export type JaegerValueType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

export type JaegerKeyValue =
  | { key: string; type: 'string'; value: string }
  | { key: string; type: 'bool'; value: boolean }
  | { key: string; type: 'int64'; value: number }
  | { key: string; type: 'float64'; value: number }
  | { key: string; type: 'binary'; value: string };

export type JaegerRefType = 'CHILD_OF' | 'FOLLOWS_FROM';

export interface JaegerReference {
  refType: JaegerRefType;
  traceID: string;
  spanID: string;
}

export interface JaegerLog {
  timestamp: Micros;
  fields: JaegerKeyValue[];
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  /** W3C trace flags; omitted when zero, as Jaeger's `flags,omitempty`. */
  flags?: number;
  operationName: string;
  references: JaegerReference[];
  startTime: Micros;
  duration: Micros;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export interface JaegerOperation {
  name: string;
  /** 'server', 'client', 'producer', 'consumer', 'internal', or '' when unspecified. */
  spanKind: string;
}

export interface JaegerError {
  code?: number;
  msg: string;
  traceID?: string;
}

export interface JaegerResponse<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: JaegerError[] | null;
}
