// The UI port's slow-client bounds, validated with zod before the UI server starts (a bad value
// stops `npm start` with a message naming it). The same four bounds as the receivers' ports
// (MESHLIGHT_RECEIVER_*), with the UI's own defaults: a browser keeps connections open between
// navigations, so the idle timeout is longer than Node's 5 s; a request's body (a saved view, a
// login, a Prometheus form POST) is small, so 60 s for the whole request is generous.
import { z } from 'zod';
import type { ServerLimits } from '../http/server-limits';
import { EnvError } from './env';

export type UiServerLimits = ServerLimits;

export const UI_SERVER_DEFAULTS: UiServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, idleTimeoutMs: 65_000, maxConnections: 1024 };

const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  MESHLIGHT_UI_HEADERS_TIMEOUT_MS: positiveInt.default(UI_SERVER_DEFAULTS.headersTimeoutMs),
  MESHLIGHT_UI_REQUEST_TIMEOUT_MS: positiveInt.default(UI_SERVER_DEFAULTS.requestTimeoutMs),
  MESHLIGHT_UI_IDLE_TIMEOUT_MS: positiveInt.default(UI_SERVER_DEFAULTS.idleTimeoutMs),
  MESHLIGHT_UI_MAX_CONNECTIONS: positiveInt.default(UI_SERVER_DEFAULTS.maxConnections),
});

/** The UI server's limits from the environment (unset or empty values take the defaults). */
export function readUiServerLimits(env: Record<string, string | undefined>): UiServerLimits {
  const present = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key] || undefined]));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  const e = result.data;
  return {
    headersTimeoutMs: e.MESHLIGHT_UI_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.MESHLIGHT_UI_REQUEST_TIMEOUT_MS,
    idleTimeoutMs: e.MESHLIGHT_UI_IDLE_TIMEOUT_MS,
    maxConnections: e.MESHLIGHT_UI_MAX_CONNECTIONS,
  };
}
