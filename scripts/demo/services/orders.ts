// orders: the heart of a checkout. Reserves stock with inventory (gRPC, 1.5 s deadline), charges
// through payments (HTTP behind a circuit breaker), stores the order (PostgreSQL when the demo
// found one), and publishes order.created for notifier (RabbitMQ, or the in-process broker).
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import { getCorrelationId } from '../lib/correlation';
import { createInventoryClient, hasGrpcStatus, type ReserveReply } from '../lib/inventory-rpc';
import { closeServer, createJsonServer, HttpError, listen } from '../lib/json-http';
import { createAmqpPublisher } from '../lib/messaging/amqp';
import { createInProcessPublisher } from '../lib/messaging/in-process-broker';
import type { Publisher } from '../lib/messaging/order-events';
import { createMemoryOrderStore, createPgOrderStore, type OrderStore } from '../lib/order-store';
import { createPaymentsClient, PaymentsUnavailable, type ChargeResult } from '../lib/payments-breaker';
import { startService } from '../lib/service-runtime';
import { readEnv } from '../lib/service-env';
import { ordersSettingsSchema } from '../lib/service-settings';

const settings = readEnv(ordersSettingsSchema);
const runtime = startService('orders');
const { log } = runtime;

const INVENTORY_DEADLINE_MS = 1_500;

let store: OrderStore = createMemoryOrderStore();
if (settings.DEMO_PG_URL) {
  try {
    store = await createPgOrderStore(settings.DEMO_PG_URL, log);
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'PostgreSQL not reachable; keeping orders in memory');
  }
}

let publisher: Publisher = createInProcessPublisher(settings.DEMO_NOTIFIER_URL);
if (settings.DEMO_BROKER === 'rabbitmq') {
  try {
    publisher = await createAmqpPublisher(settings.DEMO_AMQP_URL, settings.DEMO_NAMESPACE, log);
  } catch (error) {
    // notifier made the same decision from the same probe, so it would not be listening for
    // in-process messages either: fail loudly rather than publish into the void.
    throw new Error(`RabbitMQ was reachable for the supervisor but not for orders: ${(error as Error).message}`);
  }
}

const inventory = createInventoryClient(settings.DEMO_INVENTORY_ADDRESS);
const payments = createPaymentsClient(settings.DEMO_PAYMENTS_URL, { resetTimeoutMs: settings.DEMO_BREAKER_RESET_MS }, runtime);

const checkoutSchema = z.object({
  sku: z.string().min(1),
  quantity: z.number().int().min(1).max(20),
  customerId: z.string().min(1),
});

async function reserve(sku: string, quantity: number): Promise<ReserveReply> {
  try {
    return await inventory.reserve({ sku, quantity }, INVENTORY_DEADLINE_MS);
  } catch (error) {
    if (hasGrpcStatus(error, grpc.status.FAILED_PRECONDITION)) throw new HttpError(409, (error as Error).message);
    if (hasGrpcStatus(error, grpc.status.NOT_FOUND)) throw new HttpError(404, (error as Error).message);
    if (hasGrpcStatus(error, grpc.status.DEADLINE_EXCEEDED)) throw new HttpError(504, 'inventory did not answer in time');
    throw new HttpError(502, `inventory failed: ${(error as Error).message}`);
  }
}

const server = createJsonServer(runtime, [
  {
    method: 'POST',
    path: '/orders',
    async handle({ body }) {
      const parsed = checkoutSchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'invalid checkout request');
      const { sku, quantity, customerId } = parsed.data;
      const orderId = randomUUID();
      trace.getActiveSpan()?.setAttribute('app.order_id', orderId);

      const reservation = await reserve(sku, quantity);
      const amountCents = reservation.unitPriceCents * quantity;

      let charge: ChargeResult;
      try {
        charge = await payments.charge({ orderId, amountCents, customerId });
      } catch (error) {
        if (error instanceof PaymentsUnavailable) throw new HttpError(503, error.message);
        throw error;
      }
      if (charge.outcome === 'declined') return { status: 402, body: { orderId, status: 'declined', reason: charge.reason } };

      const createdAt = new Date().toISOString();
      await store.insert({ id: orderId, sku, quantity, amountCents, customerId, status: 'confirmed', correlationId: getCorrelationId() ?? null, createdAt });
      try {
        await publisher.publish({ orderId, sku, quantity, amountCents, customerId, createdAt });
      } catch (error) {
        // The order stands; only the confirmation e-mail is lost. Visible on the span and in the log.
        trace.getActiveSpan()?.addEvent('order.created not published', { 'exception.message': (error as Error).message });
        log.error({ err: (error as Error).message, orderId }, 'could not publish order.created');
      }
      log.info({ orderId, sku, quantity, amountCents }, 'order confirmed');
      return { status: 201, body: { orderId, status: 'confirmed', amountCents } };
    },
  },
  {
    method: 'GET',
    path: '/orders/:id',
    async handle({ params }) {
      if (!z.string().uuid().safeParse(params.id).success) throw new HttpError(400, 'order ids are UUIDs');
      const order = await store.find(params.id!);
      if (!order) throw new HttpError(404, `no order ${params.id}`);
      return { status: 200, body: order };
    },
  },
]);

await listen(server, settings.DEMO_PORT);
log.info({ database: store.system, broker: publisher.system }, 'dependencies');

runtime.onStop(() => store.close());
runtime.onStop(() => publisher.close());
runtime.onStop(() => inventory.close());
runtime.onStop(() => payments.shutdown());
runtime.onStop(() => closeServer(server));
runtime.ready();

