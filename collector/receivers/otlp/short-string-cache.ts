// Moved to lib/otlp/short-string-cache.ts (shared by the collector and the UI); re-exported so imports from here keep working.
export * from '../../../lib/otlp/short-string-cache';
