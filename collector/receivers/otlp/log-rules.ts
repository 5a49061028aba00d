// What both OTLP logs decoders (protobuf and JSON) do once a LogRecord is read, so that the two
// produce deep-equal LogBatches for the same request: the body becomes text, ids that are not a
// whole valid id are dropped (a log without a trace is still a log, unlike a span), a missing
// observed time becomes the receive time, a severity sent only as text gets its number, and
// correlation ids are extracted from the attributes and a structured body.
import type { AttributeValue, Attributes, Nanos } from '../../../lib/domain/model';
import { extractCorrelation, type CorrelationOptions } from '../../../lib/domain/logs/correlation';
import type { LogRecord } from '../../../lib/domain/logs/model';
import { severityNumberOfText } from '../../../lib/domain/logs/severity';
import { cleanText } from '../../../lib/domain/logs/text';

export interface LogDecodeOptions extends CorrelationOptions {
  /** Receive time (injected clock), used as observed time when the sender left it 0. */
  receivedNs?: Nanos;
}

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** An OTLP body AnyValue as stored text: a string as is, anything else as its JSON, unset as ''. */
export function bodyText(body: AttributeValue): string {
  if (body === null) return '';
  return cleanText(typeof body === 'string' ? body : JSON.stringify(body));
}

export function finishOtlpLogRecord(record: LogRecord, body: AttributeValue, options: LogDecodeOptions): void {
  record.body = bodyText(body);
  if (record.traceId.length !== 32 || record.traceId === ZERO_TRACE_ID) record.traceId = '';
  if (record.spanId.length !== 16 || record.spanId === ZERO_SPAN_ID) record.spanId = '';
  if (record.observedTimeUnixNano === 0n && options.receivedNs !== undefined) record.observedTimeUnixNano = options.receivedNs;
  if (record.severityNumber < 0 || record.severityNumber > 24) record.severityNumber = 0;
  if (record.severityNumber === 0 && record.severityText !== '') record.severityNumber = severityNumberOfText(record.severityText);
  record.severityText = cleanText(record.severityText);
  record.flags &= 0xff;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    extractCorrelation(record, { ...(body as Attributes), ...record.attributes }, options);
  } else {
    extractCorrelation(record, record.attributes, options);
  }
}
