// Official exporters → collector → real PostgreSQL (127.0.0.1:5432) → Jaeger query API.
import { exporterRoundTripSuite } from '../support/exporter-round-trip';
import { createScratchDatabase } from '../support/scratch-database';

exporterRoundTripSuite(async () => {
  const database = await createScratchDatabase();
  return { databaseUrl: database.url, cleanup: () => database.drop() };
});
