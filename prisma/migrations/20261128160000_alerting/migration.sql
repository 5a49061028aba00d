-- Alerting (prisma/schema.prisma: AlertRule, Alert, AlertHistory). The collector's alert loop
-- (collector/alerting/) upserts every rule it knows (built-in and from MESHLIGHT_RULES_FILE) into
-- alert_rules, keeping `enabled` (users toggle it through PATCH /api/rules/{id}); writes each rule's
-- alerts per label set to `alerts` (pending, firing, resolved — resolved rows are kept 15 minutes
-- by the state machine, then deleted) and every state change to `alert_history`, which is what
-- incidents are built from (an episode = the rows sharing rule_id, labels_key and active_at_ms).

CREATE TABLE "alert_rules" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "group_name" TEXT NOT NULL,
    "expr" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "for_ms" BIGINT NOT NULL DEFAULT 0,
    "keep_firing_for_ms" BIGINT NOT NULL DEFAULT 0,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "present" BOOLEAN NOT NULL DEFAULT true,
    "last_eval_ms" BIGINT,
    "last_error" TEXT,
    "updated_ms" BIGINT NOT NULL,
    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "alerts" (
    "rule_id" TEXT NOT NULL,
    "labels_key" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "state" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "active_at_ms" BIGINT NOT NULL,
    "fired_at_ms" BIGINT,
    "resolved_at_ms" BIGINT,
    "last_seen_ms" BIGINT NOT NULL,
    "updated_ms" BIGINT NOT NULL,
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("rule_id", "labels_key")
);

CREATE TABLE "alert_history" (
    "id" BIGSERIAL NOT NULL,
    "rule_id" TEXT NOT NULL,
    "labels_key" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "from_state" TEXT NOT NULL,
    "to_state" TEXT NOT NULL,
    "t_ms" BIGINT NOT NULL,
    "active_at_ms" BIGINT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "alert_history_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "alert_history_t_idx" ON "alert_history" ("t_ms");
CREATE INDEX "alert_history_episode_idx" ON "alert_history" ("rule_id", "labels_key", "active_at_ms");
