// Runs Meshlight itself for the demo: `node --import tsx scripts/start.ts` (what `npm start` runs),
// in its own process group so the terminal's Ctrl-C reaches only the supervisor, which stops
// Meshlight last, after the fleet has flushed its final spans into it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { httpStatus } from './probes';

export interface MeshlightProcess {
  /** Resolves with the exit code when Meshlight stops (on its own or by stop()). */
  exited: Promise<number>;
  stop(): Promise<void>;
  /**
   * For a supervisor that is exiting without an orderly stop (a crash): asks Meshlight to stop
   * on its own, synchronously, so it does not outlive the demo. Its own shutdown still flushes.
   */
  abandon(): void;
}

export interface MeshlightOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  /** Meshlight's output, one line at a time, for the supervisor to show. */
  onLine(line: string): void;
}

const STOP_GRACE_MS = 30_000;

export function spawnMeshlight(options: MeshlightOptions): MeshlightProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(options.root, 'scripts/start.ts')], {
    cwd: options.root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: options.env,
  });
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', options.onLine);
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    exited,
    abandon() {
      if (running()) child.kill('SIGTERM');
    },
    async stop() {
      if (!running()) return;
      // start.ts stops the UI, then lets the collector flush; give it time before forcing.
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `url` until it answers `accept`, `giveUp` settles first (e.g. the process exited), or the
 * timeout passes. Answers whether it came up.
 */
export async function waitForHttp(
  url: string,
  accept: (status: number) => boolean,
  timeoutMs: number,
  giveUp: Promise<unknown> = new Promise(() => undefined),
): Promise<boolean> {
  let gaveUp = false;
  void giveUp.then(() => (gaveUp = true));
  const deadline = Date.now() + timeoutMs;
  while (!gaveUp && Date.now() < deadline) {
    const status = await httpStatus(url);
    if (status !== undefined && accept(status)) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
