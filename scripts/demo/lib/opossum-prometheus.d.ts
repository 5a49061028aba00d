// opossum-prometheus ships no types; this covers the part the demo uses.
declare module 'opossum-prometheus' {
  import type CircuitBreaker from 'opossum';
  import type { Registry } from 'prom-client';

  interface PrometheusMetricsOptions {
    circuits?: CircuitBreaker | CircuitBreaker[];
    registry?: Registry;
    exposePerformanceMetrics?: boolean;
    metricPrefix?: string;
  }

  export default class PrometheusMetrics {
    constructor(options?: PrometheusMetricsOptions);
    add(circuits: CircuitBreaker | CircuitBreaker[]): void;
    clear(): void;
    readonly metrics: Promise<string>;
  }
}
