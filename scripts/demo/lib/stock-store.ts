// inventory's stock counts: in Redis (through ioredis, whose instrumentation makes the CLIENT
// spans) when the demo found one, else in a Map. Stock is topped up when it runs out, so the
// demo never sells out for good.
import { Redis } from 'ioredis';
import { findProduct, RESTOCK_QUANTITY } from './catalog';
import type { Logger } from './logger';

export interface StockStore {
  readonly system: string;
  /** Takes `quantity` from the stock of `sku` and answers what remains. */
  reserve(sku: string, quantity: number): Promise<number>;
  available(sku: string): Promise<number>;
  close(): Promise<void>;
}

export async function createRedisStockStore(url: string, namespace: string, log: Logger): Promise<StockStore> {
  // Fail fast instead of queueing commands forever when Redis goes away mid-demo.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1_000 });
  redis.on('error', (error: Error) => log.warn({ err: error.message }, 'Redis error'));
  await redis.connect();
  const key = (sku: string) => `meshlight-demo${namespace ? `:${namespace}` : ''}:stock:${sku}`;
  return {
    system: 'redis',
    async reserve(sku, quantity) {
      await redis.set(key(sku), RESTOCK_QUANTITY, 'EX', 3600, 'NX');
      let remaining = await redis.decrby(key(sku), quantity);
      if (remaining < 0) {
        remaining = await redis.incrby(key(sku), RESTOCK_QUANTITY);
        log.info({ sku, remaining }, 'restocked');
      }
      return remaining;
    },
    async available(sku) {
      const value = await redis.get(key(sku));
      return value === null ? RESTOCK_QUANTITY : Number(value);
    },
    async close() {
      await redis.quit().catch(() => undefined);
    },
  };
}

export function createMemoryStockStore(log: Logger): StockStore {
  const stock = new Map<string, number>();
  return {
    system: 'in-memory',
    async reserve(sku, quantity) {
      let remaining = (stock.get(sku) ?? RESTOCK_QUANTITY) - quantity;
      if (remaining < 0) {
        remaining += RESTOCK_QUANTITY;
        log.info({ sku, remaining }, 'restocked');
      }
      stock.set(sku, remaining);
      return remaining;
    },
    async available(sku) {
      return findProduct(sku) ? (stock.get(sku) ?? RESTOCK_QUANTITY) : 0;
    },
    async close() {},
  };
}
