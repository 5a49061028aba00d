// Encodes what the collector answers an OTLP trace export with, in both OTLP encodings:
//   - success / partial success: ExportTraceServiceResponse
//     (https://opentelemetry.io/docs/specs/otlp/#full-success-1 and #partial-success-1), where
//     partial_success stays unset when everything was accepted;
//   - failure over OTLP/HTTP: google.rpc.Status as the 4xx/5xx body
//     (https://opentelemetry.io/docs/specs/otlp/#failures-1).
// JSON follows the proto3 JSON mapping: lowerCamelCase names, int64 as a decimal string, int32 as
// a number, fields at their default value omitted.

export interface TraceExportOutcome {
  /** ExportTracePartialSuccess.rejected_spans. */
  rejectedSpans: number;
  /** ExportTracePartialSuccess.error_message; may be set with 0 rejections to carry a warning. */
  errorMessage: string;
}

const textEncoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

// ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
// ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
export function encodeTraceResponseProto(outcome: TraceExportOutcome): Uint8Array {
  if (!hasPartialSuccess(outcome)) return EMPTY;
  const partial = new ProtoBytes();
  if (outcome.rejectedSpans !== 0) partial.varintField(1, BigInt(checkedCount(outcome.rejectedSpans)));
  if (outcome.errorMessage !== '') partial.stringField(2, outcome.errorMessage);
  return new ProtoBytes().bytesField(1, partial.finish()).finish();
}

export function encodeTraceResponseJson(outcome: TraceExportOutcome): string {
  if (!hasPartialSuccess(outcome)) return '{}';
  const partialSuccess: { rejectedSpans?: string; errorMessage?: string } = {};
  if (outcome.rejectedSpans !== 0) partialSuccess.rejectedSpans = String(checkedCount(outcome.rejectedSpans));
  if (outcome.errorMessage !== '') partialSuccess.errorMessage = outcome.errorMessage;
  return JSON.stringify({ partialSuccess });
}

// google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
// The OTLP spec does not use `code` (clients go by the HTTP status) but lets servers send it; we
// send the gRPC code matching the HTTP status, as the Collector does.
export function encodeStatusProto(code: number, message: string): Uint8Array {
  const status = new ProtoBytes();
  // int32: a negative value is sign-extended to 64 bits on the wire.
  if (code !== 0) status.varintField(1, BigInt.asUintN(64, BigInt(code | 0)));
  if (message !== '') status.stringField(2, message);
  return status.finish();
}

export function encodeStatusJson(code: number, message: string): string {
  const status: { code?: number; message?: string } = {};
  if (code !== 0) status.code = code | 0;
  if (message !== '') status.message = message;
  return JSON.stringify(status);
}

function hasPartialSuccess(outcome: TraceExportOutcome): boolean {
  return outcome.rejectedSpans !== 0 || outcome.errorMessage !== '';
}

function checkedCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`rejectedSpans must be a count, got ${count}`);
  return count;
}

/** Just enough of a protobuf writer for these two small messages. */
class ProtoBytes {
  private readonly parts: number[] = [];
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  varintField(field: number, value: bigint): this {
    this.varint(BigInt(field << 3)); // wire type 0: VARINT
    this.varint(value);
    return this;
  }

  stringField(field: number, text: string): this {
    return this.bytesField(field, textEncoder.encode(text));
  }

  bytesField(field: number, bytes: Uint8Array): this {
    this.varint(BigInt((field << 3) | 2)); // wire type 2: LEN
    this.varint(BigInt(bytes.length));
    this.flushParts();
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  finish(): Uint8Array {
    this.flushParts();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private varint(value: bigint): void {
    let rest = value;
    while (rest >= 0x80n) {
      this.parts.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.parts.push(Number(rest));
  }

  private flushParts(): void {
    if (this.parts.length === 0) return;
    this.chunks.push(Uint8Array.from(this.parts));
    this.length += this.parts.length;
    this.parts.length = 0;
  }
}

/**
 * Every OTLP Export*ServiceResponse has the same wire shape: partial_success = 1 holding
 * {int64 rejected_<items> = 1; string error_message = 2}. Only the JSON name of the count differs:
 * `rejectedSpans`, `rejectedDataPoints`, `rejectedLogRecords`.
 */
export function encodeExportResponseProto(result: { rejected: number; errorMessage: string }): Uint8Array {
  return encodeTraceResponseProto({ rejectedSpans: result.rejected, errorMessage: result.errorMessage });
}

export function encodeExportResponseJson(result: { rejected: number; errorMessage: string }, rejectedField: string): string {
  if (result.rejected === 0 && result.errorMessage === '') return '{}';
  const partialSuccess: Record<string, string> = {};
  if (result.rejected !== 0) partialSuccess[rejectedField] = String(checkedCount(result.rejected));
  if (result.errorMessage !== '') partialSuccess.errorMessage = result.errorMessage;
  return JSON.stringify({ partialSuccess });
}
