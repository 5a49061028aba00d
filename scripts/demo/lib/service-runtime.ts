// What every demo service does the same way: its logger and metrics, the chaos state the
// supervisor switches over IPC, reporting readiness and notable events back, and an orderly stop
// (servers closed, connections released, telemetry flushed) on SIGTERM, on Ctrl-C, or when the
// supervisor goes away (its IPC channel closes), so no service outlives the demo.
import { chaosStateSchema, type ChaosState } from './scenarios';
import { toServiceSchema, type FromService } from './ipc';
import { createLogger, type Logger } from './logger';
import { createMetrics, type ServiceMetrics } from './metrics';
import { telemetryHandle } from './telemetry-handle';

const STOP_TIMEOUT_MS = 8_000;

type Cleanup = () => Promise<unknown> | unknown;

export interface ServiceRuntime {
  name: string;
  log: Logger;
  metrics: ServiceMetrics;
  chaos(): ChaosState;
  onChaos(listener: (state: ChaosState) => void): void;
  /** Tells the supervisor (if any) something its summary shows. */
  report(message: FromService): void;
  /** Registers a cleanup step; they run in reverse order of registration on stop. */
  onStop(cleanup: Cleanup): void;
  ready(): void;
}

export function startService(name: string): ServiceRuntime {
  const log = createLogger(name);
  if (!telemetryHandle()) {
    log.warn('telemetry.ts was not preloaded (node --import tsx --import ./scripts/demo/telemetry.ts ...): no spans will be sent');
  }
  const metrics = createMetrics(name);
  const initial = chaosStateSchema.safeParse(process.env.DEMO_CHAOS ?? 'none');
  let chaos: ChaosState = initial.success ? initial.data : 'none';
  const chaosListeners: Array<(state: ChaosState) => void> = [];
  const cleanups: Cleanup[] = [];

  const report = (message: FromService) => {
    if (process.connected) process.send?.(message);
  };

  process.on('message', (raw) => {
    const parsed = toServiceSchema.safeParse(raw);
    if (!parsed.success) return log.warn({ message: raw }, 'ignoring an unknown control message');
    if (parsed.data.state === chaos) return;
    chaos = parsed.data.state;
    log.warn({ event: 'chaos', chaos }, `chaos switched: ${chaos}`);
    for (const listener of chaosListeners) listener(chaos);
  });

  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'stopping');
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    for (const cleanup of [...cleanups].reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log.warn({ err: error }, 'a cleanup step failed');
      }
    }
    await telemetryHandle()?.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('disconnect', () => void stop('supervisor gone'));

  return {
    name,
    log,
    metrics,
    chaos: () => chaos,
    onChaos: (listener) => void chaosListeners.push(listener),
    report,
    onStop: (cleanup) => void cleanups.push(cleanup),
    ready() {
      log.info({ event: 'ready' }, `${name} ready`);
      report({ type: 'ready', service: name });
    },
  };
}
