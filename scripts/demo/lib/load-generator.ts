// The demo's users: a steady stream of requests to the gateway at a configurable rate. Most are
// checkouts (the full path through every service), some look up an order placed earlier, some
// browse the catalog. Runs inside the supervisor and is not instrumented, like real users: traces
// start at the gateway.
import { CATALOG } from './catalog';

export interface LoadCounters {
  sent: number;
  /** 2xx answers. */
  ok: number;
  /** 4xx answers: declined cards, out of stock, unknown products. */
  clientErrors: number;
  /** 5xx answers: the incidents. */
  serverErrors: number;
  /** No answer at all (refused, reset, timed out). */
  failed: number;
  /** Not sent because too many requests were already waiting: the fleet is saturated. */
  skipped: number;
}

export interface LoadGenerator {
  counters(): LoadCounters;
  setRate(requestsPerSecond: number): void;
  /** Stops sending and waits (briefly) for the requests still in flight. */
  stop(): Promise<void>;
}

export interface LoadOptions {
  gatewayUrl: string;
  requestsPerSecond: number;
  maxInFlight?: number;
  random?: () => number;
}

interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const RECENT_ORDERS = 200;
const REQUEST_TIMEOUT_MS = 10_000;
const STOP_WAIT_MS = 5_000;

/** The next request, given the orders placed so far. Pure apart from `random`, for the tests. */
export function planRequest(random: () => number, recentOrderIds: readonly string[]): PlannedRequest {
  const roll = random();
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  if (roll < 0.3) {
    // An order look-up, once there is an order to look up (until then, another checkout).
    if (recentOrderIds.length > 0) return { method: 'GET', path: `/api/orders/${pick(recentOrderIds)}` };
  } else if (roll < 0.4) {
    // Now and then a product that does not exist: a 404 that is nobody's incident.
    const sku = random() < 0.05 ? 'sku-discontinued' : pick(CATALOG).sku;
    return { method: 'GET', path: `/api/catalog/${sku}` };
  }
  return {
    method: 'POST',
    path: '/api/checkout',
    body: { sku: pick(CATALOG).sku, quantity: 1 + Math.floor(random() * 3), customerId: `customer-${1 + Math.floor(random() * 500)}` },
  };
}

export function startLoad(options: LoadOptions): LoadGenerator {
  const random = options.random ?? Math.random;
  const maxInFlight = options.maxInFlight ?? 64;
  const counters: LoadCounters = { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, failed: 0, skipped: 0 };
  const recent: string[] = [];
  const inFlight = new Set<Promise<void>>();

  const send = async (request: PlannedRequest) => {
    counters.sent += 1;
    try {
      const response = await fetch(`${options.gatewayUrl}${request.path}`, {
        method: request.method,
        headers: request.body ? { 'content-type': 'application/json' } : {},
        body: request.body ? JSON.stringify(request.body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = (await response.json().catch(() => undefined)) as { orderId?: string } | undefined;
      if (response.status < 400) {
        counters.ok += 1;
        if (response.status === 201 && body?.orderId) {
          recent.push(body.orderId);
          if (recent.length > RECENT_ORDERS) recent.shift();
        }
      } else if (response.status < 500) counters.clientErrors += 1;
      else counters.serverErrors += 1;
    } catch {
      counters.failed += 1;
    }
  };

  const tick = () => {
    if (inFlight.size >= maxInFlight) {
      counters.skipped += 1;
      return;
    }
    const request = send(planRequest(random, recent)).finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = (rate: number) => {
    clearInterval(timer);
    timer = setInterval(tick, 1000 / rate);
  };
  schedule(options.requestsPerSecond);

  return {
    counters: () => ({ ...counters }),
    setRate: schedule,
    async stop() {
      clearInterval(timer);
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => {
          waited = setTimeout(resolve, STOP_WAIT_MS);
        }),
      ]);
      clearTimeout(waited);
    },
  };
}
