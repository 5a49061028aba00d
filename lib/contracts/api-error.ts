// The one error type route handlers throw on purpose: an HTTP status plus a message safe to show
// to the client. Anything else reaching the error mapper is an internal error.
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** Jaeger attaches the trace id to per-trace errors. */
    readonly traceId?: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

export function notFound(message: string, traceId?: string): ApiError {
  return new ApiError(404, message, traceId);
}
