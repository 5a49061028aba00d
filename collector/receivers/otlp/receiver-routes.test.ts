// The receivers serve a table of routes: OTLP signals by path and gRPC method, placeholders for
// signals not implemented yet, and extra routes with any path, media type and encoding.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { PermanentError } from '../../pipeline/errors';
import type { HttpRoute } from '../routes';
import { bindGrpc, createGrpcReceiver, type GrpcListener, LOGS_EXPORT_PATH, METRICS_EXPORT_PATH, TRACE_EXPORT_PATH } from './grpc-receiver';
import { createHttpReceiver } from './http-receiver';
import { otlpRoutes, traceWire } from './otlp-signals';

const exported: unknown[] = [];
const routes = otlpRoutes([traceWire], (signal) => (batch) => {
  exported.push([signal, batch]);
  return { rejected: 0, errorMessage: '' };
});
const extra: HttpRoute = {
  path: '/api/v1/write',
  signal: 'metrics',
  mediaTypes: ['application/x-protobuf'],
  ownEncodings: ['snappy'],
  handle: ({ body, contentEncoding }) => {
    if (body.length === 0) throw new PermanentError('malformed', 'empty write request');
    return { status: 204, contentType: 'text/plain', body: `${contentEncoding}:${body.length}` };
  },
  errorBody: (status) => ({ contentType: 'text/plain', body: status.message }),
};
const http = createHttpReceiver({ maxBodyBytes: 1024, corsOrigins: '*', routes: [...routes.http, extra], metricsText: () => '', health: () => ({ status: 'ok' }) });
const grpcServer = createGrpcReceiver({ maxBodyBytes: 1024, routes: routes.grpc });
let base = '';
let grpcPort = 0;
let grpcListener: GrpcListener | undefined;

before(async () => {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  grpcListener = await bindGrpc(grpcServer, '127.0.0.1', 0);
  grpcPort = grpcListener.port;
});

after(async () => {
  await new Promise<void>((resolve) => http.close(() => resolve()));
  grpcListener?.close();
  await new Promise<void>((resolve) => grpcServer.tryShutdown(() => resolve()));
});

const post = async (path: string, body: BodyInit, headers: Record<string, string>) => {
  const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
};

test('an implemented OTLP signal is routed to its export()', async () => {
  const res = await post('/v1/traces', '{"resourceSpans":[]}', { 'content-type': 'application/json' });
  assert.equal(res.status, 200);
  assert.equal(res.text, '{}');
  assert.equal((exported.at(-1) as [string])[0], 'traces');
});

test('a known signal that is not implemented yet answers 404 naming it; an unknown path 404 too', async () => {
  for (const [path, signal] of [['/v1/metrics', 'metrics'], ['/v1/logs', 'logs']]) {
    const res = await post(path!, '{}', { 'content-type': 'application/json' });
    assert.equal(res.status, 404);
    assert.match(JSON.parse(res.text).message, new RegExp(`^${signal} are not supported yet`));
  }
  const unknown = await post('/v1/nope', '{}', { 'content-type': 'application/json' });
  assert.equal(unknown.status, 404);
  assert.match(JSON.parse(unknown.text).message, /no endpoint at \/v1\/nope; send data to \/v1\/traces/);
});

test('an extra route gets its own path, media type, encoding and error body', async () => {
  const ok = await post('/api/v1/write', Buffer.from([1, 2, 3]), { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' });
  assert.deepEqual([ok.status, ok.text], [204, '']);
  const empty = await post('/api/v1/write', Buffer.alloc(0), { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' });
  assert.deepEqual([empty.status, empty.type, empty.text], [400, 'text/plain', 'empty write request']);
  const wrongType = await post('/api/v1/write', 'x', { 'content-type': 'text/plain' });
  assert.equal(wrongType.status, 415);
});

test('gRPC: a known signal not implemented yet answers UNIMPLEMENTED naming it; traces are served', async () => {
  const client = new grpc.Client(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
  const call = (path: string) =>
    new Promise<{ error: grpc.ServiceError | null; reply?: Buffer }>((resolve) =>
      client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), (error, reply) => resolve({ error, reply })),
    );
  for (const [path, signal] of [[METRICS_EXPORT_PATH, 'metrics'], [LOGS_EXPORT_PATH, 'logs']]) {
    const { error } = await call(path!);
    assert.equal(error?.code, grpc.status.UNIMPLEMENTED);
    assert.match(error?.details ?? '', new RegExp(`^${signal} are not supported yet`));
  }
  const traces = await call(TRACE_EXPORT_PATH);
  assert.equal(traces.error, null);
  client.close();
});
