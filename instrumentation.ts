// Next.js start-up hook: begins Meshlight's self-tracing of its query API (lib/telemetry).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startUiTracing } = await import('./lib/telemetry/ui-tracing');
    startUiTracing();
  }
}
