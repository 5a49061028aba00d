// Moved to lib/otlp/json-values.ts (shared by the collector and the UI); re-exported so imports from here keep working.
export * from '../../../lib/otlp/json-values';
