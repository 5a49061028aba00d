// Moved to lib/otlp/decode-trace-json.ts (shared by the collector and the UI); re-exported so imports from here keep working.
export * from '../../../lib/otlp/decode-trace-json';
