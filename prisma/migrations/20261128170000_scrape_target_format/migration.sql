-- What a scrape target serves: Prometheus exposition (the default) or a NATS monitoring endpoint's
-- JetStream report (`/jsz?consumers=true`), which feeds the broker-lag monitor.
ALTER TABLE "scrape_targets" ADD COLUMN IF NOT EXISTS "format" TEXT NOT NULL DEFAULT 'prometheus';
