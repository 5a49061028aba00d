// The ingest error model lives in lib/otlp/errors.ts (the OTLP decoders both halves share throw
// it); re-exported here for the collector's pipeline and receivers.
export * from '../../lib/otlp/errors';
