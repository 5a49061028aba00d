-- Series packed in blocks: one row per up to 64 series of one metric (metric_id, block), the
-- series as bytes (lib/domain/metrics/series-block.ts: ids, first/last seen and pair ids as
-- varints), instead of a row per series. A series row cost ~152 bytes with its indexes (117 of row:
-- tuple header, line pointer, the int4[] header; 27 of the labels_hash unique index; 8 of the
-- metric_id index); an entry in a block ~14 bytes. Blocks stay in their rows (~0.9 KB; past ~2 KB
-- PostgreSQL would move them to TOAST). The label-set hash is gone: a series is its metric and
-- its pair ids (the dictionary holds each pair once), and a starting collector rebuilds the hashes
-- it looks series up by from the dictionary.
--   metric_series_blocks  the primary key (metric_id, block) is the only index: readers find a
--                         metric's series by metric_id, the block's first/last seen prune by time.
-- Without a unique index, writers serialize per metric instead: every change of a
-- metric's blocks (new series, last_seen, retention) holds pg_advisory_xact_lock(1297302866,
-- metric_id) and rewrites the blocks it changes (collector/store/metric-series-blocks.ts).
-- Ids still come from metric_series_id_seq: chunks and head blocks keep referring to them.

CREATE TABLE "metric_series_blocks" (
    "metric_id" INTEGER NOT NULL,
    "block" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,
    "first_seen_ms" BIGINT NOT NULL,
    "last_seen_ms" BIGINT NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "metric_series_blocks_pkey" PRIMARY KEY ("metric_id", "block")
);

-- Existing series are converted: the bytes series-block.ts encodes, built in SQL.
CREATE FUNCTION "meshlight_uvarint"(n BIGINT) RETURNS BYTEA LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  out BYTEA := ''::bytea;
BEGIN
  WHILE n >= 128 LOOP
    out := out || set_byte('\x00'::bytea, 0, (n % 128 + 128)::int);
    n := n / 128;
  END LOOP;
  RETURN out || set_byte('\x00'::bytea, 0, n::int);
END $$;

INSERT INTO "metric_series_blocks" ("metric_id", "block", "n", "first_seen_ms", "last_seen_ms", "data")
SELECT e.metric_id, e.block, count(*), min(e.first_seen_ms), max(e.last_seen_ms),
       '\x01'::bytea || meshlight_uvarint(count(*)) || meshlight_uvarint(CASE WHEN min(e.first_seen_ms) >= 0 THEN 2 * min(e.first_seen_ms) ELSE -2 * min(e.first_seen_ms) - 1 END)
         || string_agg(e.bytes, ''::bytea ORDER BY e.id)
  FROM (
    SELECT s.metric_id, s.block, s.id, s.first_seen_ms, s.last_seen_ms,
           meshlight_uvarint(s.id - coalesce(lag(s.id) OVER (PARTITION BY s.metric_id, s.block ORDER BY s.id), 0))
             || meshlight_uvarint(s.first_seen_ms - min(s.first_seen_ms) OVER (PARTITION BY s.metric_id, s.block))
             || meshlight_uvarint(greatest(s.last_seen_ms - s.first_seen_ms, 0))
             || meshlight_uvarint(cardinality(s.pairs))
             || coalesce((SELECT string_agg(meshlight_uvarint(d.delta), ''::bytea ORDER BY d.p)
                            FROM (SELECT u.p, u.p - coalesce(lag(u.p) OVER (ORDER BY u.p), 0) AS delta
                                    FROM unnest(s.pairs) AS u(p)) AS d), ''::bytea) AS bytes
      FROM (SELECT *, ((row_number() OVER (PARTITION BY metric_id ORDER BY id) - 1) / 64)::int AS block FROM "metric_series") AS s
  ) AS e
 GROUP BY e.metric_id, e.block;

DROP FUNCTION "meshlight_uvarint"(BIGINT);
ALTER SEQUENCE "metric_series_id_seq" OWNED BY NONE;
DROP TABLE "metric_series";

-- The dictionary's columns reordered, 8-byte hash first: the int4 id before it left 4 bytes of
-- alignment padding in every row (76 -> 68 bytes a pair with its line pointer). Ids kept.
CREATE TABLE "metric_label_pairs_new" (
    "hash" BIGINT NOT NULL,
    "id" INTEGER NOT NULL DEFAULT nextval('metric_label_pairs_id_seq'),
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL
);
INSERT INTO "metric_label_pairs_new" ("hash", "id", "name", "value") SELECT "hash", "id", "name", "value" FROM "metric_label_pairs" ORDER BY "id";
ALTER SEQUENCE "metric_label_pairs_id_seq" OWNED BY "metric_label_pairs_new"."id";
DROP TABLE "metric_label_pairs";
ALTER TABLE "metric_label_pairs_new" RENAME TO "metric_label_pairs";
ALTER TABLE "metric_label_pairs" ADD CONSTRAINT "metric_label_pairs_pkey" PRIMARY KEY ("id");
CREATE UNIQUE INDEX "metric_label_pairs_hash_key" ON "metric_label_pairs"("hash");
CREATE INDEX "metric_label_pairs_name_idx" ON "metric_label_pairs"("name");
