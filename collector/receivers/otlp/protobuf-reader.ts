// Moved to lib/otlp/protobuf-reader.ts (shared by the collector and the UI); re-exported so imports from here keep working.
export * from '../../../lib/otlp/protobuf-reader';
