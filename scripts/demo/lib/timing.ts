// Small timing helpers for the simulated work in the services.

/** Milliseconds between min and max: the demo's latencies look like measurements, not constants. */
export function jitter(minMs: number, maxMs: number): number {
  return minMs + Math.random() * (maxMs - minMs);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
