-- Series rows hold ids into a dictionary of label pairs instead of their labels as jsonb. A series
-- row was ~355 bytes with its indexes (jsonb of 7 labels, metric name text, 16-byte hash in the row
-- and in a unique index, a primary key, a metric-name index); 100,000 series cost 32 bytes per sample
-- after 11 samples each. Now:
--   metric_label_pairs  one row per distinct (name, value), __name__ included (the metric name),
--                       unique by a 64-bit hash of name \xff value (hashtextextended; a unique text
--                       index on (name, value) filled by inserts all over its key range took ~86
--                       bytes per pair, the int8 one ~28), looked up by name through a btree that
--                       deduplicates;
--   metric_series       id, a 64-bit hash of the label set (the first 8 bytes of the MD5 the
--                       collector computed before), first/last seen, the metric name's pair id and
--                       the other pairs' ids (int4[], ascending).
-- Matchers resolve to pair ids in the dictionary (its (name, value) index), then series are narrowed
-- by metric_id and their pairs (lib/db/metrics/pg-series-queryable.ts). No index on metric_series.id:
-- nothing looks a series up by id alone (last_seen updates join by id over the whole table once an
-- hour; chunks are read by series id in their own tables).

CREATE TABLE "metric_label_pairs" (
    "id" SERIAL NOT NULL,
    "hash" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "metric_label_pairs_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "metric_label_pairs_hash_key" ON "metric_label_pairs"("hash");
CREATE INDEX "metric_label_pairs_name_idx" ON "metric_label_pairs"("name");

-- Existing series are converted: every (name, value) of their labels (empty values are absent) and
-- every metric name (a series without __name__ has metric_name '').
INSERT INTO "metric_label_pairs" ("hash", "name", "value")
SELECT hashtextextended(x.name || chr(255) || x.value, 0), x.name, x.value FROM (
  SELECT l.key AS name, l.value FROM "metric_series" s, jsonb_each_text(s.labels) AS l WHERE l.key <> '__name__' AND l.value <> ''
  UNION
  SELECT '__name__', s.metric_name FROM "metric_series" s
) AS x
ORDER BY 2, 3;

CREATE TABLE "metric_series_new" (
    "id" BIGINT NOT NULL,
    "labels_hash" BIGINT NOT NULL,
    "first_seen_ms" BIGINT NOT NULL,
    "last_seen_ms" BIGINT NOT NULL,
    "metric_id" INTEGER NOT NULL,
    "pairs" INTEGER[] NOT NULL
);
INSERT INTO "metric_series_new" ("id", "labels_hash", "first_seen_ms", "last_seen_ms", "metric_id", "pairs")
SELECT s.id,
       ('x' || encode(substring(s.labels_hash FROM 1 FOR 8), 'hex'))::bit(64)::bigint,
       s.first_seen_ms,
       s.last_seen_ms,
       m.id,
       coalesce((SELECT array_agg(p.id ORDER BY p.id)
                   FROM jsonb_each_text(s.labels) AS l
                   JOIN "metric_label_pairs" p ON p.hash = hashtextextended(l.key || chr(255) || l.value, 0) AND p.name = l.key AND p.value = l.value
                  WHERE l.key <> '__name__' AND l.value <> ''), '{}')
  FROM "metric_series" s
  JOIN "metric_label_pairs" m ON m.hash = hashtextextended('__name__' || chr(255) || s.metric_name, 0) AND m.name = '__name__' AND m.value = s.metric_name;

ALTER SEQUENCE "metric_series_id_seq" OWNED BY "metric_series_new"."id";
ALTER TABLE "metric_series_new" ALTER COLUMN "id" SET DEFAULT nextval('metric_series_id_seq');
DROP TABLE "metric_series";
ALTER TABLE "metric_series_new" RENAME TO "metric_series";
CREATE UNIQUE INDEX "metric_series_labels_hash_key" ON "metric_series"("labels_hash");
CREATE INDEX "metric_series_metric_id_idx" ON "metric_series"("metric_id");
