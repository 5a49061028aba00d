-- Exactly-once ingest: the collector writes a batch's rows and its id here in one transaction and
-- skips an id that is already here, so a batch retried after a lost COMMIT acknowledgement (or
-- replayed from the spool) is not stored twice. Ids older than the retention period are deleted.
CREATE TABLE "ingest_batches" (
    "id" TEXT NOT NULL,
    "signal" TEXT NOT NULL,
    "written_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),

    CONSTRAINT "ingest_batches_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ingest_batches_written_at_idx" ON "ingest_batches"("written_at");
