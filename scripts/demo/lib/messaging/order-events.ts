// The one event the demo sends through its broker, and the publish/subscribe seam that lets
// orders and notifier run on RabbitMQ when it is reachable and on the in-process broker otherwise.
import { z } from 'zod';

export const ORDER_CREATED = 'order.created';

export const orderCreatedSchema = z.object({
  orderId: z.string(),
  sku: z.string(),
  quantity: z.number().int().positive(),
  amountCents: z.number().int().nonnegative(),
  customerId: z.string(),
  createdAt: z.string(),
});
export type OrderCreated = z.infer<typeof orderCreatedSchema>;

/** A header carrying the publish time in epoch milliseconds, for the consumer's lag metric. */
export const PUBLISHED_AT_HEADER = 'x-published-at';

export interface Publisher {
  /** `rabbitmq` or `in-process`: shown at start-up and in span attributes. */
  readonly system: string;
  publish(event: OrderCreated): Promise<void>;
  close(): Promise<void>;
}

export interface Delivery {
  event: OrderCreated;
  /** Epoch milliseconds when orders published it (undefined if the header was missing). */
  publishedAtMs: number | undefined;
}

export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface Subscription {
  readonly system: string;
  readonly queue: string;
  /** Messages waiting to be delivered (not counting the one being processed). */
  depth(): Promise<number>;
  close(): Promise<void>;
}

export function parsePublishedAt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}
