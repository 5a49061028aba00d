-- When an alert's condition last held (prisma/schema.prisma: Alert.heldUntilMs, AlertHistory.endedMs).
-- A resolution is confirmed a keep_firing_for (and, for the built-in jump rules, a 45 s window)
-- after the condition stopped; incidents end when it stopped (lib/domain/alerting/state-machine.ts).
-- alerts.held_until_ms: the latest moment a firing alert's condition held (kept across restarts).
ALTER TABLE "alerts" ADD COLUMN "held_until_ms" BIGINT;
-- alert_history.ended_ms: on a `→ resolved` row, when the condition last held (t_ms is the confirmation).
ALTER TABLE "alert_history" ADD COLUMN "ended_ms" BIGINT;
