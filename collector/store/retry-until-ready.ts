// Runs a start-up task (migrations, partitions) until it succeeds, with capped exponential backoff,
// so a collector started while its database is down comes up anyway (receivers answer 503 until
// then) and starts writing as soon as the database is back, instead of exiting.
import type { Logger } from '../pipeline/batch-writer';

export interface RetryOptions {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Checked before every attempt: stop retrying (shutdown). */
  cancelled(): boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** Resolves true once `task` succeeded, false when cancelled first. */
export async function retryUntilReady(task: () => Promise<void>, what: string, log: Logger, options: RetryOptions): Promise<boolean> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    if (options.cancelled()) return false;
    try {
      await task();
      if (attempt > 1) log.info(`${what}: done after ${attempt} attempts`);
      return true;
    } catch (error) {
      log.warn(`${what} failed; retrying`, { attempt, retryInMs: delay, error: error instanceof Error ? error.message : String(error) });
    }
    await sleep(delay);
    delay = Math.min(options.maxDelayMs, delay * 2);
  }
}
