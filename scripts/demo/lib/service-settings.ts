// The environment variables the supervisor hands each service (fleet.ts writes them; the services
// read them here), validated with zod so a service started by hand says what it is missing.
import { z } from 'zod';

export const portSchema = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

export const brokerSettingsSchema = z.object({
  /** `rabbitmq` when the supervisor reached RabbitMQ, else `in-process` (hosted by notifier). */
  DEMO_BROKER: z.enum(['rabbitmq', 'in-process']).default('in-process'),
  DEMO_AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  /** Keeps the exchange, queue and Redis keys of concurrent fleets (a demo and a test) apart. */
  DEMO_NAMESPACE: z.string().regex(/^[a-z0-9-]*$/).default(''),
});

export const gatewaySettingsSchema = z.object({
  DEMO_PORT: portSchema,
  DEMO_ORDERS_URL: z.string().url(),
  DEMO_INVENTORY_ADDRESS: z.string(),
});

export const ordersSettingsSchema = brokerSettingsSchema.extend({
  DEMO_PORT: portSchema,
  DEMO_PAYMENTS_URL: z.string().url(),
  DEMO_INVENTORY_ADDRESS: z.string(),
  DEMO_NOTIFIER_URL: z.string().url(),
  /** The demo's own database on PostgreSQL; unset = the in-process table. */
  DEMO_PG_URL: optionalUrl,
  DEMO_BREAKER_RESET_MS: z.coerce.number().int().positive().default(10_000),
});

export const paymentsSettingsSchema = z.object({ DEMO_PORT: portSchema });

export const inventorySettingsSchema = z.object({
  DEMO_PORT: portSchema,
  DEMO_METRICS_PORT: portSchema,
  /** Redis for stock counts; unset = a Map. */
  DEMO_REDIS_URL: optionalUrl,
  DEMO_NAMESPACE: brokerSettingsSchema.shape.DEMO_NAMESPACE,
});

export const notifierSettingsSchema = brokerSettingsSchema.extend({ DEMO_PORT: portSchema });
