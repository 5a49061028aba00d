// The collector service's entry point: `tsx collector/main.ts`. Reads configuration from the
// environment, starts, prints one `meshlight-collector-ready` JSON line on stdout (the launcher in
// scripts/start.ts waits for it to learn the embedded database's URL), and flushes on SIGINT/SIGTERM.
import { readCollectorConfig } from '../lib/contracts/collector-config';
import { startCollector } from './collector';
import { createLogger } from './logger';

const log = createLogger('collector');

async function main(): Promise<void> {
  const config = readCollectorConfig();
  const collector = await startCollector(config, log);
  process.stdout.write(
    `${JSON.stringify({
      event: 'meshlight-collector-ready',
      databaseUrl: collector.databaseUrl,
      otlpHttpPort: collector.httpPort,
      otlpGrpcPort: collector.grpcPort,
    })}\n`,
  );
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn('second signal: exiting without waiting for the flush', { signal });
      process.exit(130);
    }
    log.info('shutting down: flushing accepted spans', { signal });
    collector.stop().then(
      () => process.exit(0),
      (error) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error) => {
  log.error('collector failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
