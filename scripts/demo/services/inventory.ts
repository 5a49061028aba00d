// inventory: a gRPC service that prices products and reserves stock (in Redis when the demo found
// one). The inventory-latency scenario makes every call slow, some past orders' deadline.
import * as grpc from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { Histogram } from 'prom-client';
import { findProduct } from '../lib/catalog';
import { CORRELATION_ATTRIBUTE, getCorrelationId } from '../lib/correlation';
import {
  inventoryService,
  reserveRequestSchema,
  stockRequestSchema,
  type ReserveReply,
  type StockReply,
} from '../lib/inventory-rpc';
import { LATENCY_BUCKETS, startMetricsServer } from '../lib/metrics';
import { startService } from '../lib/service-runtime';
import { readEnv } from '../lib/service-env';
import { inventorySettingsSchema } from '../lib/service-settings';
import { createMemoryStockStore, createRedisStockStore, type StockStore } from '../lib/stock-store';
import { jitter, sleep } from '../lib/timing';

const settings = readEnv(inventorySettingsSchema);
const runtime = startService('inventory');
const { log, metrics } = runtime;

// A rare business refusal, so the dashboard shows gRPC errors that are not outages.
const OUT_OF_STOCK_RATE = 0.01;

let stock: StockStore;
if (settings.DEMO_REDIS_URL) {
  try {
    stock = await createRedisStockStore(settings.DEMO_REDIS_URL, settings.DEMO_NAMESPACE, log);
  } catch (error) {
    log.warn({ err: (error as Error).message }, 'Redis not reachable; keeping stock in memory');
    stock = createMemoryStockStore(log);
  }
} else {
  stock = createMemoryStockStore(log);
}

const rpcDuration = new Histogram({
  name: 'rpc_server_duration_seconds',
  help: 'Duration of gRPC calls served, by method and status code',
  labelNames: ['method', 'code'],
  buckets: LATENCY_BUCKETS,
  registers: [metrics.registry],
});

class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/** Adapts an async handler to grpc-js: latency chaos, status codes, the RED histogram and a log line. */
function unary<Req, Res>(method: string, handle: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const correlationId = getCorrelationId();
    if (correlationId) trace.getActiveSpan()?.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
    const run = async () => {
      await sleep(runtime.chaos() === 'inventory-latency' ? jitter(400, 1_800) : jitter(2, 8));
      return handle(call.request);
    };
    run().then(
      (reply) => finish(grpc.status.OK, () => callback(null, reply)),
      (error: unknown) => {
        const code = error instanceof RpcError ? error.code : grpc.status.INTERNAL;
        finish(code, () => callback({ code, details: (error as Error).message }));
      },
    );
    function finish(code: grpc.status, send: () => void) {
      send();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      rpcDuration.observe({ method, code: grpc.status[code] }, seconds);
      const fields = { method, code: grpc.status[code], duration_ms: Math.round(seconds * 1000) };
      if (code === grpc.status.OK) log.info(fields, 'rpc completed');
      else log.warn(fields, 'rpc failed');
    }
  };
}

const server = new grpc.Server();
server.addService(inventoryService, {
  Reserve: unary('Reserve', async (raw: unknown): Promise<ReserveReply> => {
    const parsed = reserveRequestSchema.safeParse(raw);
    if (!parsed.success) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'invalid reserve request');
    const product = findProduct(parsed.data.sku);
    if (!product) throw new RpcError(grpc.status.NOT_FOUND, `no product ${parsed.data.sku}`);
    if (Math.random() < OUT_OF_STOCK_RATE) throw new RpcError(grpc.status.FAILED_PRECONDITION, `${product.sku} is out of stock`);
    const remaining = await stock.reserve(product.sku, parsed.data.quantity);
    return { sku: product.sku, reserved: parsed.data.quantity, remaining, unitPriceCents: product.unitPriceCents };
  }),
  GetStock: unary('GetStock', async (raw: unknown): Promise<StockReply> => {
    const parsed = stockRequestSchema.safeParse(raw);
    if (!parsed.success) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'invalid stock request');
    const product = findProduct(parsed.data.sku);
    if (!product) throw new RpcError(grpc.status.NOT_FOUND, `no product ${parsed.data.sku}`);
    return { sku: product.sku, available: await stock.available(product.sku), unitPriceCents: product.unitPriceCents };
  }),
});

await new Promise<void>((resolve, reject) =>
  server.bindAsync(`127.0.0.1:${settings.DEMO_PORT}`, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
);
const metricsServer = await startMetricsServer(metrics.registry, settings.DEMO_METRICS_PORT);
log.info({ stock: stock.system }, 'stock store');

runtime.onStop(() => stock.close());
runtime.onStop(() => new Promise<void>((resolve) => metricsServer.close(() => resolve())));
runtime.onStop(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
runtime.ready();
