// gateway: the edge. Assigns each request its x-correlation-id (unless the caller sent one) and
// routes it: checkouts and order look-ups to orders over HTTP, catalog look-ups straight to
// inventory over gRPC.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { getCorrelationId, withCorrelationId } from '../lib/correlation';
import { createInventoryClient, hasGrpcStatus } from '../lib/inventory-rpc';
import { callJson, UpstreamUnavailable } from '../lib/json-client';
import { closeServer, createJsonServer, HttpError, listen, type RouteResponse } from '../lib/json-http';
import { startService } from '../lib/service-runtime';
import { readEnv } from '../lib/service-env';
import { gatewaySettingsSchema } from '../lib/service-settings';

const settings = readEnv(gatewaySettingsSchema);
const runtime = startService('gateway');
const inventory = createInventoryClient(settings.DEMO_INVENTORY_ADDRESS);

async function forward(path: string, body?: unknown): Promise<RouteResponse> {
  try {
    const response = await callJson(`${settings.DEMO_ORDERS_URL}${path}`, { body, timeoutMs: 5_000 });
    return { status: response.status, body: response.body };
  } catch (error) {
    if (error instanceof UpstreamUnavailable) throw new HttpError(502, `orders unavailable: ${error.message}`);
    throw error;
  }
}

const server = createJsonServer(
  runtime,
  [
    { method: 'POST', path: '/api/checkout', handle: ({ body }) => forward('/orders', body) },
    { method: 'GET', path: '/api/orders/:id', handle: ({ params }) => forward(`/orders/${encodeURIComponent(params.id!)}`) },
    {
      method: 'GET',
      path: '/api/catalog/:sku',
      async handle({ params }) {
        try {
          return { status: 200, body: await inventory.getStock({ sku: params.sku! }, 1_000) };
        } catch (error) {
          if (hasGrpcStatus(error, grpc.status.NOT_FOUND)) throw new HttpError(404, `no product ${params.sku}`);
          if (hasGrpcStatus(error, grpc.status.DEADLINE_EXCEEDED)) throw new HttpError(504, 'inventory timed out');
          throw new HttpError(502, `inventory failed: ${(error as Error).message}`);
        }
      },
    },
  ],
  { contextFor: (active) => (getCorrelationId(active) ? active : withCorrelationId(active, randomUUID())) },
);

await listen(server, settings.DEMO_PORT);
runtime.onStop(() => inventory.close());
runtime.onStop(() => closeServer(server));
runtime.ready();
