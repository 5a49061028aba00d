// The two classes of ingest failure, after the OpenTelemetry Collector's consumererror:
// a PermanentError is the client's fault and retrying cannot help (HTTP 4xx, gRPC
// INVALID_ARGUMENT); a RetryableError is ours or momentary (queue full, database down) and the
// client should retry after `retryAfterSeconds` (HTTP 429/503 + Retry-After, gRPC UNAVAILABLE).
// statusForError() is the one place that maps them to wire status codes.

export type PermanentReason =
  | 'malformed' // body cannot be decoded
  | 'unsupported-media-type'
  | 'too-large'
  | 'not-found'
  | 'method-not-allowed'
  | 'unauthenticated' // no or a wrong ingest token (MESHLIGHT_INGEST_TOKENS)
  | 'forbidden-origin'; // sent by a web page whose Origin is not in MESHLIGHT_CORS_ORIGINS

export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    readonly reason: PermanentReason,
    message: string,
  ) {
    super(message);
  }
}

export type RetryableReason = 'queue-full' | 'storage-unavailable' | 'shutting-down' | 'wal-full' | 'wal-failed';

export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    readonly reason: RetryableReason,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** gRPC status codes we answer with (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

export interface WireStatus {
  http: number;
  grpc: GrpcCode;
  message: string;
  /** Seconds for the Retry-After header / retry delay; only set for retryable failures. */
  retryAfterSeconds?: number;
}

const PERMANENT_STATUS: Record<PermanentReason, { http: number; grpc: GrpcCode }> = {
  malformed: { http: 400, grpc: GrpcCode.INVALID_ARGUMENT },
  'unsupported-media-type': { http: 415, grpc: GrpcCode.INVALID_ARGUMENT },
  'too-large': { http: 413, grpc: GrpcCode.RESOURCE_EXHAUSTED },
  'not-found': { http: 404, grpc: GrpcCode.UNIMPLEMENTED },
  'method-not-allowed': { http: 405, grpc: GrpcCode.UNIMPLEMENTED },
  unauthenticated: { http: 401, grpc: GrpcCode.UNAUTHENTICATED },
  'forbidden-origin': { http: 403, grpc: GrpcCode.PERMISSION_DENIED },
};

/**
 * Maps any error to what the client is told. Unknown errors are treated as retryable
 * unavailability (503), never as a 500: the OTLP spec lets clients retry 503, and whatever
 * went wrong was not something the client sent.
 */
export function statusForError(error: unknown): WireStatus {
  if (error instanceof PermanentError) {
    return { ...PERMANENT_STATUS[error.reason], message: error.message };
  }
  if (error instanceof RetryableError) {
    // 429 would also be retryable, but OTLP/HTTP clients honour Retry-After on 503 the same way and
    // 503 says "the server" rather than "you": a full queue is not the client's fault.
    return {
      http: 503,
      grpc: GrpcCode.UNAVAILABLE,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { http: 503, grpc: GrpcCode.UNAVAILABLE, message: `temporarily unavailable: ${message}`, retryAfterSeconds: 5 };
}
