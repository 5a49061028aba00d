// order.created over RabbitMQ with amqplib: orders publishes to a topic exchange, notifier consumes
// from its own queue with prefetch 1, so a slow notifier builds a real backlog in the broker.
// The amqplib instrumentation makes the PRODUCER and CONSUMER spans and carries the trace context
// (and, through the propagator, the x-correlation-id) in the message headers.
import amqp from 'amqplib';
import { ORDER_CREATED, orderCreatedSchema, parsePublishedAt, PUBLISHED_AT_HEADER, type DeliveryHandler, type Publisher, type Subscription } from './order-events';
import type { Logger } from '../logger';

/**
 * Exchange and queue names. A namespace keeps two fleets on one broker (a demo and a test run)
 * from consuming each other's messages.
 */
export function amqpTopology(namespace: string) {
  const prefix = namespace ? `meshlight-demo.${namespace}` : 'meshlight-demo';
  return { exchange: `${prefix}.orders`, queue: `${prefix}.notifier.order-created` };
}

export async function createAmqpPublisher(url: string, namespace: string, log: Logger): Promise<Publisher> {
  const { exchange } = amqpTopology(namespace);
  const connection = await amqp.connect(url);
  connection.on('error', (error: Error) => log.error({ err: error }, 'RabbitMQ connection error'));
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: false });
  return {
    system: 'rabbitmq',
    async publish(event) {
      const ok = channel.publish(exchange, ORDER_CREATED, Buffer.from(JSON.stringify(event)), {
        contentType: 'application/json',
        messageId: event.orderId,
        headers: { [PUBLISHED_AT_HEADER]: Date.now() },
      });
      // false = the channel's write buffer is full: wait for it to drain, as amqplib asks.
      if (!ok) await new Promise((resolve) => channel.once('drain', resolve));
    },
    async close() {
      await connection.close().catch(() => undefined);
    },
  };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function subscribeAmqp(url: string, namespace: string, handler: DeliveryHandler, log: Logger): Promise<Subscription> {
  const { exchange, queue } = amqpTopology(namespace);
  const connection = await amqp.connect(url);
  connection.on('error', (error: Error) => log.error({ err: error }, 'RabbitMQ connection error'));
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: false });
  // Not durable and deleted with its last consumer: the demo leaves nothing behind in the broker.
  // The TTL keeps a backlog from a stopped-but-not-deleted queue from growing without end.
  await channel.assertQueue(queue, { durable: false, autoDelete: true, arguments: { 'x-message-ttl': 600_000 } });
  await channel.bindQueue(queue, exchange, ORDER_CREATED);
  // One message at a time: processing speed, not the network, decides how fast the queue drains.
  await channel.prefetch(1);
  const { consumerTag } = await channel.consume(queue, (message) => {
    if (!message) return;
    const parsed = orderCreatedSchema.safeParse(parseJson(message.content));
    if (!parsed.success) {
      log.error({ messageId: message.properties.messageId }, 'dropping a malformed order.created message');
      channel.nack(message, false, false);
      return;
    }
    const publishedAtMs = parsePublishedAt(message.properties.headers?.[PUBLISHED_AT_HEADER]);
    handler({ event: parsed.data, publishedAtMs }).then(
      () => channel.ack(message),
      (error: unknown) => {
        log.error({ err: error }, 'order.created processing failed; dropping the message');
        channel.nack(message, false, false);
      },
    );
  });
  return {
    system: 'rabbitmq',
    queue,
    async depth() {
      return (await channel.checkQueue(queue)).messageCount;
    },
    async close() {
      await channel.cancel(consumerTag).catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}
