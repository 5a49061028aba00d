// Starts a collector in-process for a test, on free ports, quiet, with overridable settings.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCollectorConfig, type CollectorConfig } from '../../lib/contracts/collector-config';
import { startCollector, type RunningCollector } from '../../collector/collector';
import { createLogger } from '../../collector/logger';

export async function startTestCollector(
  databaseUrl: string | undefined,
  overrides: Partial<CollectorConfig> = {},
): Promise<RunningCollector & { config: CollectorConfig }> {
  const config: CollectorConfig = {
    ...readCollectorConfig({}),
    databaseUrl,
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'meshlight-test-')),
    httpPort: 0,
    grpcPort: 0,
    zipkinPort: 0,
    selfTraceRatio: 0,
    ...overrides,
  };
  const collector = await startCollector(config, createLogger('test-collector', true));
  return Object.assign(collector, { config });
}
