// Moved to lib/otlp/span-rules.ts (shared by the collector and the UI); re-exported so imports from here keep working.
export * from '../../../lib/otlp/span-rules';
