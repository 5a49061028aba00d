// Meshlight traces its own ingest with the official OpenTelemetry SDK, sampled, as service
// `meshlight`. Its spans skip the network: they are serialized with the SDK's own OTLP protobuf
// serializer and handed to the same decoder and consumer as any client's, so they are stored and
// shown like everyone else's without a request loop (and without tracing their own ingest).
import { trace, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { TraceBatch } from '../lib/domain/model';
import { decodeTraceRequestProto } from './receivers/otlp/decode-trace-proto';

export const SELF_SERVICE_NAME = 'meshlight';

class InProcessExporter implements SpanExporter {
  constructor(private readonly consume: (batch: TraceBatch) => unknown) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const bytes = ProtobufTraceSerializer.serializeRequest(spans);
      if (bytes) this.consume(decodeTraceRequestProto(bytes));
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      // A full queue refuses our own spans like anyone's; self-tracing must never hurt ingest.
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}

export interface SelfTracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

export function startSelfTracing(
  ratio: number,
  component: string,
  consume: (batch: TraceBatch) => unknown,
): SelfTracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SELF_SERVICE_NAME, 'service.component': component }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor(new InProcessExporter(consume), { scheduledDelayMillis: 2000 })],
  });
  return {
    tracer: provider.getTracer('meshlight-collector'),
    shutdown: () => provider.shutdown(),
  };
}

/** A tracer that records nothing, for tests and when self-tracing is off. */
export const noopTracer: Tracer = trace.getTracer('noop');
