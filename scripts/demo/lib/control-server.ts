// run-demo's control endpoint on 127.0.0.1 (default port 7300):
//   GET  /status                          what is happening: chaos, traffic, breaker, queue
//   GET  /chaos                           the chaos state and mode
//   POST /chaos {"scenario": "payments-down" | "slow-consumer" | "inventory-latency" | "none" | "cycle"}
// A scenario or "none" is pinned until "cycle" resumes the incident cycle.
import http from 'node:http';
import { z } from 'zod';
import type { ChaosStatus } from './chaos-controller';
import { chaosStateSchema, type ChaosState } from './scenarios';

export const chaosRequestSchema = z.object({ scenario: z.union([chaosStateSchema, z.literal('cycle')]) });
export type ChaosRequest = z.infer<typeof chaosRequestSchema>;

export interface ControlHandlers {
  status(): unknown;
  chaos(): ChaosStatus;
  pin(state: ChaosState): void;
  resumeCycle(): void;
}

const MAX_BODY_BYTES = 4 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body, null, 2)}\n`);
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > MAX_BODY_BYTES) throw new Error('body too large');
  }
  return JSON.parse(text);
}

export function createControlServer(handlers: ControlHandlers): http.Server {
  return http.createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/status') return send(res, 200, handlers.status());
    if (req.method === 'GET' && path === '/chaos') return send(res, 200, handlers.chaos());
    if (req.method === 'POST' && path === '/chaos') {
      readBody(req).then(
        (body) => {
          const parsed = chaosRequestSchema.safeParse(body);
          if (!parsed.success) {
            return send(res, 400, { error: 'expected {"scenario": "payments-down" | "slow-consumer" | "inventory-latency" | "none" | "cycle"}' });
          }
          if (parsed.data.scenario === 'cycle') handlers.resumeCycle();
          else handlers.pin(parsed.data.scenario);
          send(res, 200, handlers.chaos());
        },
        () => send(res, 400, { error: 'the body must be JSON' }),
      );
      return;
    }
    send(res, 404, { error: 'try GET /status, GET /chaos or POST /chaos' });
  });
}
