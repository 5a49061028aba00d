// How a service reaches the OpenTelemetry SDK that telemetry.ts started before it (see there).
export const TELEMETRY_HANDLE = Symbol.for('meshlight-demo.telemetry');

export interface TelemetryHandle {
  /** Flushes what is buffered and stops the SDK; the same promise on every call. */
  shutdown(): Promise<void>;
}

export type TelemetryGlobal = typeof globalThis & { [TELEMETRY_HANDLE]?: TelemetryHandle };

export function telemetryHandle(): TelemetryHandle | undefined {
  return (globalThis as TelemetryGlobal)[TELEMETRY_HANDLE];
}
