// Moved to lib/otlp/malformed.ts (shared by the collector and the UI); re-exported so imports from here keep working.
export * from '../../../lib/otlp/malformed';
