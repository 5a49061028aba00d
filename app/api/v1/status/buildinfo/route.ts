// GET /api/v1/status/buildinfo — Prometheus: what Grafana's data source reads to pick features.
// We answer as the Prometheus version whose API we follow (2.42), naming Meshlight in `application`.
import { promRoute } from '@/lib/http/prometheus-route';

export const dynamic = 'force-dynamic';

export const { GET, POST } = promRoute(async () => ({
  version: '2.42.0',
  revision: 'meshlight',
  branch: 'main',
  buildUser: 'meshlight',
  buildDate: '20261128-00:00:00',
  goVersion: 'n/a',
  application: 'Meshlight',
}));
