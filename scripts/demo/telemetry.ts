// The OpenTelemetry Node SDK of one demo service, loaded before the service's own code with
// `node --import tsx --import ./scripts/demo/telemetry.ts scripts/demo/services/<name>.ts`.
// It has to come first: the instrumentations patch http, @grpc/grpc-js, amqplib, pg, ioredis and
// pino as they are loaded, and these are ES module imports, so the import-in-the-middle loader
// hook must be registered before the service's module graph is resolved.
//
// Everything else is the standard environment configuration, as for any real service:
// OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT (Meshlight's OTLP/HTTP port), OTEL_TRACES_EXPORTER,
// OTEL_LOGS_EXPORTER (otlp once Meshlight takes logs, else none), OTEL_BSP_SCHEDULE_DELAY.
import { register } from 'node:module';
import type { IncomingMessage } from 'node:http';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { CorrelationIdPropagator } from './lib/correlation';
import { TELEMETRY_HANDLE, type TelemetryGlobal, type TelemetryHandle } from './lib/telemetry-handle';

// Defaults for running a service by hand; the supervisor sets all of these explicitly.
process.env.OTEL_EXPORTER_OTLP_ENDPOINT ??= 'http://127.0.0.1:4318';
process.env.OTEL_EXPORTER_OTLP_PROTOCOL ??= 'http/protobuf';
process.env.OTEL_TRACES_EXPORTER ??= 'otlp';
process.env.OTEL_LOGS_EXPORTER ??= 'none';
// Metrics are Prometheus (prom-client) in this demo, not OTLP.
process.env.OTEL_METRICS_EXPORTER ??= 'none';
// Spans reach the dashboard within about a second instead of the default five.
process.env.OTEL_BSP_SCHEDULE_DELAY ??= '1000';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

// Scrapes, health checks and the in-process broker's ingress are plumbing, not traffic.
const UNTRACED_PATHS = ['/metrics', '/health', '/broker/'];
const untraced = (req: IncomingMessage) => UNTRACED_PATHS.some((p) => req.url?.startsWith(p));

const sdk = new NodeSDK({
  textMapPropagator: new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator(), new CorrelationIdPropagator()],
  }),
  instrumentations: [
    new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
    new GrpcInstrumentation(),
    new AmqplibInstrumentation(),
    // requireParentSpan: connection-pool housekeeping outside a request is noise on the dashboard.
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new PinoInstrumentation({ disableLogSending: process.env.OTEL_LOGS_EXPORTER === 'none' }),
  ],
});
sdk.start();
await waitForAllMessagesAcknowledged();

// The service finds the SDK through this handle rather than by importing this file: an import from
// the service would start a second, too-late SDK if the preload was forgotten.
let stopping: Promise<void> | undefined;
const handle: TelemetryHandle = {
  shutdown: () => (stopping ??= sdk.shutdown().catch(() => undefined)),
};
(globalThis as TelemetryGlobal)[TELEMETRY_HANDLE] = handle;
