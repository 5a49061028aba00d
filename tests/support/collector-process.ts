// A collector as its own process (collector/main.ts, as `npm start` runs it), for tests that kill it
// with SIGKILL: resolves once it prints its `meshlight-collector-ready` line, with that line's ports.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface CollectorProcess {
  child: ChildProcess;
  otlpHttpPort: number;
}

export async function spawnCollectorProcess(env: Record<string, string>, stderr: 'inherit' | 'ignore' = 'ignore'): Promise<CollectorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../../collector/main.ts')], {
    env: { ...process.env, MESHLIGHT_SELF_TRACE_RATIO: '0', ...env },
    stdio: ['ignore', 'pipe', stderr],
  });
  const otlpHttpPort = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('meshlight-collector-ready')) resolve((JSON.parse(line) as { otlpHttpPort: number }).otlpHttpPort);
    });
    child.once('exit', (code) => reject(new Error(`collector exited ${code}`)));
  });
  return { child, otlpHttpPort };
}
