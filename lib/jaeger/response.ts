// Jaeger's response envelope (structuredResponse in cmd/query/app/http_handler.go). Jaeger fills
// `total` for services and operations but leaves it 0 for traces; limit and offset are always 0.
import type { JaegerError, JaegerResponse } from './types';

export function jaegerEnvelope<T>(data: T, total = 0, errors: JaegerError[] | null = null): JaegerResponse<T> {
  return { data, total, limit: 0, offset: 0, errors };
}

export function jaegerErrorEnvelope(code: number, msg: string, traceID?: string): JaegerResponse<null> {
  const error: JaegerError = { code, msg };
  if (traceID) error.traceID = traceID;
  return jaegerEnvelope(null, 0, [error]);
}
