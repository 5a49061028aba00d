// orders' client for payments, behind an opossum circuit breaker: when payments keeps failing the
// breaker opens and checkouts fail fast instead of piling up on a dead dependency; after
// `resetTimeoutMs` it half-opens to let one trial call through, and closes when that succeeds.
// Each call is an INTERNAL span `payments.charge` that records the breaker's state, so an open
// breaker is visible on the trace (circuit.state=open, circuit.rejected=true) as well as in the
// logs (event breaker.open/half_open/close) and metrics (opossum-prometheus, circuit_breaker_state).
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import CircuitBreaker from 'opossum';
import PrometheusMetrics from 'opossum-prometheus';
import { Gauge } from 'prom-client';
import type { BreakerState } from './ipc';
import { callJson, type JsonResponse } from './json-client';
import type { ServiceRuntime } from './service-runtime';

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  customerId: string;
}

export type ChargeResult = { outcome: 'approved'; authorizationId: string } | { outcome: 'declined'; reason: string };

/** payments could not answer: it failed, timed out, or the breaker is open and did not ask it. */
export class PaymentsUnavailable extends Error {
  constructor(
    message: string,
    readonly breakerOpen: boolean,
  ) {
    super(message);
  }
}

class UpstreamStatus extends Error {}

export interface BreakerSettings {
  /** How long the breaker stays open before it lets a trial call through. */
  resetTimeoutMs: number;
}

export interface PaymentsClient {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  state(): BreakerState;
  shutdown(): void;
}

const CIRCUIT = 'payments';
const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

export function createPaymentsClient(paymentsUrl: string, settings: BreakerSettings, runtime: ServiceRuntime): PaymentsClient {
  const { log, metrics } = runtime;
  const tracer = trace.getTracer('meshlight-demo-orders');

  const callPayments = async (request: ChargeRequest): Promise<JsonResponse> => {
    const response = await callJson(`${paymentsUrl}/charge`, { body: request, timeoutMs: 2_000 });
    // Only server-side failures count against payments' health; a declined card is an answer.
    if (response.status >= 500) throw new UpstreamStatus(`payments answered ${response.status}`);
    return response;
  };

  const breaker = new CircuitBreaker(callPayments, {
    name: CIRCUIT,
    timeout: 1_000,
    // Open when half of the calls in the last 10 s failed, once there were at least 5 of them.
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    rollingCountTimeout: 10_000,
    rollingCountBuckets: 10,
    resetTimeout: settings.resetTimeoutMs,
  });

  new PrometheusMetrics({ circuits: [breaker], registry: metrics.registry, exposePerformanceMetrics: false });
  const stateGauge = new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['circuit'],
    registers: [metrics.registry],
  });

  let state: BreakerState = 'closed';
  stateGauge.set({ circuit: CIRCUIT }, 0);
  const transition = (next: BreakerState, message: string) => {
    state = next;
    stateGauge.set({ circuit: CIRCUIT }, STATE_VALUE[next]);
    const fields = { event: `breaker.${next}`, circuit: CIRCUIT };
    if (next === 'closed') log.info(fields, message);
    else log.warn(fields, message);
    runtime.report({ type: 'breaker', service: runtime.name, circuit: CIRCUIT, state: next });
  };
  breaker.on('open', () => transition('open', 'circuit breaker opened: payments calls fail fast'));
  // Half-opening is the breaker's own timer, not any request: log it outside the context of the
  // request that opened the breaker, which the timer would otherwise inherit.
  breaker.on('halfOpen', () =>
    context.with(ROOT_CONTEXT, () => transition('half_open', 'circuit breaker half-open: letting a trial call through')),
  );
  breaker.on('close', () => transition('closed', 'circuit breaker closed: payments is healthy again'));

  return {
    state: () => state,
    shutdown: () => breaker.shutdown(),
    charge: (request) =>
      tracer.startActiveSpan('payments.charge', { attributes: { 'circuit.name': CIRCUIT, 'circuit.state': state } }, async (span): Promise<ChargeResult> => {
        try {
          const response = await breaker.fire(request);
          const body = response.body as { authorizationId?: string; reason?: string };
          if (response.status === 200) return { outcome: 'approved', authorizationId: String(body.authorizationId) };
          return { outcome: 'declined', reason: String(body.reason ?? `payments answered ${response.status}`) };
        } catch (error) {
          const code = (error as { code?: string }).code;
          const open = code === 'EOPENBREAKER';
          span.setAttribute('circuit.rejected', open);
          if (code === 'ETIMEDOUT') span.setAttribute('circuit.timeout', true);
          span.setStatus({ code: SpanStatusCode.ERROR, message: open ? 'circuit open: payments not called' : (error as Error).message });
          throw new PaymentsUnavailable(open ? 'payments circuit is open' : `payments failed: ${(error as Error).message}`, open);
        } finally {
          span.end();
        }
      }),
  };
}
