// The one error the OTLP decoders throw: a PermanentError('malformed') that knows *where* in the
// payload the problem is. Leaf readers throw it with a detail ("expected an integer", "truncated
// varint at byte 17"); each enclosing decode level prepends its path segment on the way out, so the
// client reads `resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected an integer`.
// Building the path only on the (rare) error path keeps the hot path free of bookkeeping.
import { PermanentError } from './errors';

export class MalformedPayloadError extends PermanentError {
  private readonly segments: string[] = [];

  constructor(readonly detail: string) {
    super('malformed', detail);
  }

  /** Prepends a path segment: a field name (`spans`) or an index (`[3]`). */
  within(segment: string): this {
    this.segments.unshift(segment);
    this.message = `${this.path}: ${this.detail}`;
    return this;
  }

  get path(): string {
    let path = '';
    for (const segment of this.segments) {
      path += path === '' || segment.startsWith('[') ? segment : `.${segment}`;
    }
    return path;
  }
}

/**
 * Re-throws `error` with `segment` prepended to its path. Anything that is not already a
 * MalformedPayloadError is a decoder bug or a resource limit hit by hostile input (e.g. a
 * RangeError); it is still the payload that cannot be decoded, so it becomes `malformed` too: a
 * retryable status would make the client resend the same bytes forever.
 */
export function rethrowWithin(error: unknown, segment: string): never {
  throw asMalformed(error).within(segment);
}

export function asMalformed(error: unknown): MalformedPayloadError {
  if (error instanceof MalformedPayloadError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new MalformedPayloadError(`${INTERNAL_ERROR_PREFIX}${message}`);
}

/** Marks errors that were not raised deliberately by a decoder; tests assert it never appears. */
export const INTERNAL_ERROR_PREFIX = 'undecodable payload (internal decoder error): ';
