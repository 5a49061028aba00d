// Next.js start-up hook: validates the access settings and begins Meshlight's self-tracing of its
// query API (lib/telemetry).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // Access settings (Host names, login, tokens) are checked now, not at the first request.
    const { openBindWarning, parseUiSecurity } = await import('./lib/contracts/ui-security-env');
    try {
      const warning = openBindWarning(process.env, parseUiSecurity(process.env));
      if (warning) console.warn(`\n${warning}\n`);
    } catch (error) {
      console.error(`meshlight: ${(error as Error).message}`);
      process.exit(1);
    }
    const { startUiTracing } = await import('./lib/telemetry/ui-tracing');
    startUiTracing();
  }
}
