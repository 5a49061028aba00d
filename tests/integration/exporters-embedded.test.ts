// Official exporters → collector → embedded PGlite (the `npm start` default without DATABASE_URL)
// → the UI's query code over the collector's PostgreSQL wire endpoint → Jaeger query API.
import { exporterRoundTripSuite } from '../support/exporter-round-trip';

exporterRoundTripSuite(async () => ({ databaseUrl: undefined, cleanup: async () => {} }));
