// The x-correlation-id that the gateway assigns to every request and every hop forwards. It is
// carried as an OpenTelemetry propagator so that the same instrumentations that forward the trace
// context also forward it on every transport they cover: HTTP headers, gRPC metadata and AMQP
// message headers; the in-process broker injects and extracts it like the trace context.
// Inside a service it lives in the active OpenTelemetry context, so logs and outgoing calls
// anywhere down the call stack see it without threading it through arguments.
import { context, createContextKey, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';

export const CORRELATION_HEADER = 'x-correlation-id';
/** The span attribute that makes a request findable by its correlation id. */
export const CORRELATION_ATTRIBUTE = 'app.correlation_id';

const KEY = createContextKey('meshlight-demo.correlation-id');
// An id from outside is echoed into logs and headers: keep it short and plain.
const VALID_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function withCorrelationId(ctx: Context, id: string): Context {
  return ctx.setValue(KEY, id);
}

export function getCorrelationId(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(KEY);
  return typeof value === 'string' ? value : undefined;
}

export class CorrelationIdPropagator implements TextMapPropagator {
  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    const id = getCorrelationId(ctx);
    if (id) setter.set(carrier, CORRELATION_HEADER, id);
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, CORRELATION_HEADER);
    const id = Array.isArray(raw) ? raw[0] : raw;
    return id && VALID_ID.test(id) ? withCorrelationId(ctx, id) : ctx;
  }

  fields(): string[] {
    return [CORRELATION_HEADER];
  }
}
