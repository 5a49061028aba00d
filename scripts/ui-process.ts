// How the UI server is launched, in one place for `npm start`, the benchmarks and the e2e tests,
// so that what is measured is what runs.
import path from 'node:path';
import { ROOT } from './prepare';
import { readUiServerLimits } from '../lib/contracts/ui-server-env';
import { nodeServerLimits } from '../lib/http/server-limits';

/**
 * V8's young generation sized for big responses: GET /api/traces/{id} for a 10,000-span trace
 * makes ~30 MB of short-lived strings, and with the default semi-space a tenth of its time went to
 * scavenges that promoted in-flight rows; 32 MB measured 110 ms instead of 126 ms p50.
 */
const UI_V8_FLAGS = '--max-semi-space-size=32';

export interface UiTls {
  certFile: string;
  keyFile: string;
}

/**
 * The UI speaks HTTPS with the receivers' certificate (MESHLIGHT_TLS_CERT_FILE / _KEY_FILE: one
 * certificate for the host, every port), unless MESHLIGHT_UI_TLS=off (a TLS-terminating proxy in
 * front that talks plain HTTP to the UI).
 */
export function uiTls(env: Record<string, string | undefined>): UiTls | null {
  const mode = (env.MESHLIGHT_UI_TLS || 'on').trim().toLowerCase();
  if (mode !== 'on' && mode !== 'off') throw new Error(`MESHLIGHT_UI_TLS must be on or off, not '${env.MESHLIGHT_UI_TLS}'`);
  const certFile = env.MESHLIGHT_TLS_CERT_FILE;
  const keyFile = env.MESHLIGHT_TLS_KEY_FILE;
  return mode === 'on' && certFile && keyFile ? { certFile, keyFile } : null;
}

/**
 * The UI server's command line (after `node`): in production scripts/ui-server.mjs, Next's own
 * request handler behind a Node server with the UI port's slow-client bounds (MESHLIGHT_UI_*, from
 * `env`) and HTTPS when a certificate is configured; `next dev` in development (with its
 * experimental HTTPS flags when TLS is configured).
 */
export function uiServerArgs(mode: 'start' | 'dev', port: number | string, host: string, env: Record<string, string | undefined> = process.env): string[] {
  const tls = uiTls(env);
  if (mode === 'start') {
    const limits = JSON.stringify(nodeServerLimits(readUiServerLimits(env)));
    return [path.join(ROOT, 'scripts/ui-server.mjs'), String(port), host, limits, ...(tls ? ['--tls'] : [])];
  }
  const nextBin = path.join(ROOT, 'node_modules/next/dist/bin/next');
  const https = tls ? ['--experimental-https', '--experimental-https-key', tls.keyFile, '--experimental-https-cert', tls.certFile] : [];
  return [nextBin, mode, '-p', String(port), '-H', host, ...https];
}

/** The environment of the UI server: `base` plus its V8 flags (kept after any NODE_OPTIONS given). */
export function uiServerEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const nodeOptions = [base.NODE_OPTIONS, UI_V8_FLAGS].filter(Boolean).join(' ');
  return { ...base, NEXT_TELEMETRY_DISABLED: '1', ...extra, NODE_OPTIONS: nodeOptions };
}
