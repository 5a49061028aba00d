// How the UI server is launched, in one place for `npm start`, the benchmarks and the e2e tests,
// so that what is measured is what runs.
import path from 'node:path';
import { ROOT } from './prepare';

/**
 * V8's young generation sized for big responses: GET /api/traces/{id} for a 10,000-span trace
 * makes ~30 MB of short-lived strings, and with the default semi-space a tenth of its time went to
 * scavenges that promoted in-flight rows; 32 MB measured 110 ms instead of 126 ms p50.
 */
const UI_V8_FLAGS = '--max-semi-space-size=32';

export function uiServerArgs(mode: 'start' | 'dev', port: number | string, host: string): string[] {
  return [path.join(ROOT, 'node_modules/next/dist/bin/next'), mode, '-p', String(port), '-H', host];
}

/** The environment of the UI server: `base` plus its V8 flags (kept after any NODE_OPTIONS given). */
export function uiServerEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const nodeOptions = [base.NODE_OPTIONS, UI_V8_FLAGS].filter(Boolean).join(' ');
  return { ...base, NEXT_TELEMETRY_DISABLED: '1', ...extra, NODE_OPTIONS: nodeOptions };
}
