// payments: charges a card. Normally fast with a few declines; in the payments-down scenario it
// answers 503 quickly or after hanging past orders' breaker timeout, which is what opens the
// breaker.
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import { closeServer, createJsonServer, HttpError, listen } from '../lib/json-http';
import { startService } from '../lib/service-runtime';
import { readEnv } from '../lib/service-env';
import { paymentsSettingsSchema } from '../lib/service-settings';
import { jitter, sleep } from '../lib/timing';

const settings = readEnv(paymentsSettingsSchema);
const runtime = startService('payments');
const tracer = trace.getTracer('meshlight-demo-payments');

const chargeSchema = z.object({ orderId: z.string(), amountCents: z.number().int().nonnegative(), customerId: z.string() });

const DECLINE_RATE = 0.02;
// While down: most calls fail fast, the rest hang past orders' 1 s breaker timeout.
const HANG_SHARE = 0.35;

async function fraudScore(customerId: string): Promise<number> {
  return tracer.startActiveSpan('fraud.check', async (span) => {
    await sleep(jitter(3, 12));
    const score = Math.round(Math.random() * 100) / 100;
    span.setAttributes({ 'fraud.score': score, 'payments.customer_id': customerId });
    span.end();
    return score;
  });
}

const server = createJsonServer(runtime, [
  {
    method: 'POST',
    path: '/charge',
    async handle({ body }) {
      const parsed = chargeSchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'invalid charge request');
      const charge = parsed.data;
      if (runtime.chaos() === 'payments-down') {
        await sleep(Math.random() < HANG_SHARE ? jitter(1_500, 2_500) : jitter(50, 200));
        throw new HttpError(503, 'payment processor unavailable');
      }
      const score = await fraudScore(charge.customerId);
      await sleep(jitter(20, 60));
      if (score > 1 - DECLINE_RATE) {
        runtime.log.info({ orderId: charge.orderId, score }, 'charge declined');
        return { status: 402, body: { status: 'declined', reason: 'fraud score too high' } };
      }
      const authorizationId = randomUUID();
      runtime.log.info({ orderId: charge.orderId, amountCents: charge.amountCents, authorizationId }, 'charge approved');
      return { status: 200, body: { status: 'approved', authorizationId } };
    },
  },
]);

await listen(server, settings.DEMO_PORT);
runtime.onStop(() => closeServer(server));
runtime.ready();
