// The inventory service's gRPC contract, shared by its server and its clients (orders, gateway).
// Messages are JSON rather than protobuf so the demo needs no .proto toolchain; everything else is
// real gRPC (HTTP/2, metadata, deadlines, status codes) through @grpc/grpc-js, which is what the
// gRPC instrumentation hooks.
import * as grpc from '@grpc/grpc-js';
import { z } from 'zod';

export const reserveRequestSchema = z.object({ sku: z.string().min(1), quantity: z.number().int().positive() });
export type ReserveRequest = z.infer<typeof reserveRequestSchema>;
export interface ReserveReply {
  sku: string;
  reserved: number;
  remaining: number;
  unitPriceCents: number;
}

export const stockRequestSchema = z.object({ sku: z.string().min(1) });
export type StockRequest = z.infer<typeof stockRequestSchema>;
export interface StockReply {
  sku: string;
  available: number;
  unitPriceCents: number;
}

function jsonCodec<T>() {
  return {
    serialize: (value: T) => Buffer.from(JSON.stringify(value)),
    deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as T,
  };
}

function unary<Req, Res>(path: string) {
  const request = jsonCodec<Req>();
  const response = jsonCodec<Res>();
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: request.serialize,
    requestDeserialize: request.deserialize,
    responseSerialize: response.serialize,
    responseDeserialize: response.deserialize,
  } as const;
}

export const inventoryService = {
  Reserve: unary<ReserveRequest, ReserveReply>('/meshlight.demo.inventory.v1.Inventory/Reserve'),
  GetStock: unary<StockRequest, StockReply>('/meshlight.demo.inventory.v1.Inventory/GetStock'),
} satisfies grpc.ServiceDefinition;

export interface InventoryClient {
  reserve(request: ReserveRequest, deadlineMs: number): Promise<ReserveReply>;
  getStock(request: StockRequest, deadlineMs: number): Promise<StockReply>;
  close(): void;
}

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, reply?: unknown) => void,
) => grpc.ClientUnaryCall;

export function createInventoryClient(address: string): InventoryClient {
  const Client = grpc.makeGenericClientConstructor(inventoryService, 'Inventory');
  const client = new Client(address, grpc.credentials.createInsecure());
  // The generic constructor adds one method per service entry, keyed by its name.
  const methods = client as unknown as Record<keyof typeof inventoryService, UnaryMethod>;
  const call = <Res>(name: keyof typeof inventoryService, request: unknown, deadlineMs: number) =>
    new Promise<Res>((resolve, reject) => {
      methods[name].call(client, request, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (error, reply) =>
        error ? reject(error) : resolve(reply as Res),
      );
    });
  return {
    reserve: (request, deadlineMs) => call<ReserveReply>('Reserve', request, deadlineMs),
    getStock: (request, deadlineMs) => call<StockReply>('GetStock', request, deadlineMs),
    close: () => client.close(),
  };
}

/** True for a gRPC error with the given status code. */
export function hasGrpcStatus(error: unknown, code: grpc.status): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
