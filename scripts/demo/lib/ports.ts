// Where the fleet listens: one block of ports from a base (default 7300) that stays clear of
// Meshlight's own 3000/4317/4318. `--port-base` or DEMO_PORT_BASE moves the whole block.
export interface DemoPorts {
  /** run-demo's control endpoint (GET/POST /chaos, GET /status). */
  control: number;
  gateway: number;
  orders: number;
  payments: number;
  /** inventory's gRPC server. */
  inventory: number;
  /** inventory's /metrics (gRPC has no place for a Prometheus endpoint). */
  inventoryMetrics: number;
  /** notifier's /metrics, and its in-process broker's ingress when RabbitMQ is not reachable. */
  notifier: number;
}

export const DEFAULT_PORT_BASE = 7300;

export function portsFrom(base: number): DemoPorts {
  return {
    control: base,
    gateway: base + 1,
    orders: base + 2,
    payments: base + 3,
    inventory: base + 4,
    notifier: base + 5,
    inventoryMetrics: base + 14,
  };
}

/** The Prometheus endpoint of each service, for scrape configuration and the printed summary. */
export function metricsTargets(ports: DemoPorts): Record<string, string> {
  return {
    gateway: `127.0.0.1:${ports.gateway}`,
    orders: `127.0.0.1:${ports.orders}`,
    payments: `127.0.0.1:${ports.payments}`,
    inventory: `127.0.0.1:${ports.inventoryMetrics}`,
    notifier: `127.0.0.1:${ports.notifier}`,
  };
}
