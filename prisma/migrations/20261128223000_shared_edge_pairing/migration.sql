-- Request halves (a CLIENT span, or the SERVER span it caused) that waited out their TTL in one
-- collector's memory without meeting their partner, handed to PostgreSQL so that the partner can
-- arrive at another collector replica (collector/service-graph/shared-pairing.ts). One row per
-- pair key: the client's (trace id, span id). The replica whose upsert fills the second side draws
-- the edge; rows past expires_at are swept by any replica, drawing the lone half as unpaired.
-- trace_id leads the primary key so the table can be distributed by it (docs/scaling.md).
CREATE TABLE "service_graph_pending_halves" (
    "trace_id"   BYTEA NOT NULL,
    "span_id"    BYTEA NOT NULL,
    "client"     JSONB,
    "server"     JSONB,
    "expires_at" TIMESTAMPTZ NOT NULL,
    CONSTRAINT "service_graph_pending_halves_pkey" PRIMARY KEY ("trace_id", "span_id")
);

CREATE INDEX "service_graph_pending_halves_expires_at_idx" ON "service_graph_pending_halves" ("expires_at");
