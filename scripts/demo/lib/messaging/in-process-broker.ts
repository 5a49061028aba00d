// The fallback broker, for a machine without RabbitMQ: a queue inside notifier that orders
// publishes to over plain HTTP. It behaves like the real thing where the demo needs it to: one
// message processed at a time (so a slow consumer builds a backlog that drains later), PRODUCER
// and CONSUMER spans joined by the trace context carried in message headers, and the same
// x-correlation-id propagation. The HTTP hop itself is plumbing, kept out of the traces: the
// publisher suppresses its CLIENT span and telemetry.ts ignores the /broker/ path on the server.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { z } from 'zod';
import { callJson } from '../json-client';
import type { Logger } from '../logger';
import { ORDER_CREATED, orderCreatedSchema, PUBLISHED_AT_HEADER, type DeliveryHandler, type Publisher, type Subscription } from './order-events';

export const BROKER_PATH = '/broker/publish';
const SYSTEM = 'in-process';
const MAX_DEPTH = 50_000;

const envelopeSchema = z.object({
  topic: z.literal(ORDER_CREATED),
  headers: z.record(z.string(), z.string()),
  payload: orderCreatedSchema,
});
type Envelope = z.infer<typeof envelopeSchema>;

// Semantic conventions for messaging spans: https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
function messagingAttributes(topic: string, messageId: string, operation: 'send' | 'process') {
  return {
    'messaging.system': SYSTEM,
    'messaging.destination.name': topic,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation === 'send' ? 'publish' : 'process',
    'messaging.message.id': messageId,
  };
}

export function createInProcessPublisher(brokerUrl: string): Publisher {
  const tracer = trace.getTracer('meshlight-demo-broker');
  return {
    system: SYSTEM,
    async publish(event) {
      const span = tracer.startSpan(`${ORDER_CREATED} publish`, {
        kind: SpanKind.PRODUCER,
        attributes: messagingAttributes(ORDER_CREATED, event.orderId, 'send'),
      });
      const headers: Record<string, string> = { [PUBLISHED_AT_HEADER]: String(Date.now()) };
      propagation.inject(trace.setSpan(context.active(), span), headers);
      const envelope: Envelope = { topic: ORDER_CREATED, headers, payload: event };
      try {
        const response = await context.with(suppressTracing(context.active()), () =>
          callJson(`${brokerUrl}${BROKER_PATH}`, { body: envelope, timeoutMs: 2_000 }),
        );
        if (response.status !== 202) throw new Error(`in-process broker answered ${response.status}`);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
    async close() {},
  };
}

/** The broker's queue and its single worker, hosted by notifier. */
export class InProcessBroker implements Subscription {
  readonly system = SYSTEM;
  readonly queue = ORDER_CREATED;
  private readonly waiting: Envelope[] = [];
  private working = false;
  private closed = false;
  private readonly tracer = trace.getTracer('meshlight-demo-broker');

  constructor(
    private readonly handler: DeliveryHandler,
    private readonly log: Logger,
  ) {}

  /** Accepts a published envelope (the body of POST /broker/publish); false if it is malformed or the queue is full. */
  accept(body: unknown): boolean {
    const parsed = envelopeSchema.safeParse(body);
    if (!parsed.success || this.closed || this.waiting.length >= MAX_DEPTH) return false;
    this.waiting.push(parsed.data);
    void this.drain();
    return true;
  }

  async depth(): Promise<number> {
    return this.waiting.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private async drain(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (let envelope = this.waiting.shift(); envelope && !this.closed; envelope = this.waiting.shift()) {
        await this.process(envelope);
      }
    } finally {
      this.working = false;
    }
  }

  private process(envelope: Envelope): Promise<void> {
    // Like the amqplib instrumentation: the CONSUMER span is a child of the publisher's context.
    const parent = propagation.extract(ROOT_CONTEXT, envelope.headers);
    const span = this.tracer.startSpan(
      `${envelope.topic} process`,
      { kind: SpanKind.CONSUMER, attributes: messagingAttributes(envelope.topic, envelope.payload.orderId, 'process') },
      parent,
    );
    const publishedAt = Number(envelope.headers[PUBLISHED_AT_HEADER]);
    return context.with(trace.setSpan(parent, span), async () => {
      try {
        await this.handler({ event: envelope.payload, publishedAtMs: Number.isFinite(publishedAt) ? publishedAt : undefined });
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        this.log.error({ err: error }, 'order.created processing failed; dropping the message');
      } finally {
        span.end();
      }
    });
  }
}
