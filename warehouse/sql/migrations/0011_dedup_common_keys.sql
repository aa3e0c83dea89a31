-- Migration 11: sampled shingles held by more than 50 stored articles (dedup's
-- SAMPLE_MAX_ARTICLES) are boilerplate, never evidence of copying. They are kept once, as a key,
-- in `dedup_common_keys`, and their rows leave `dedup_keys`: at 100k articles of the scale corpus
-- those were 3.0M of its 6.2M rows, and every chunk's lookup joined through them.
CREATE TABLE dedup_common_keys (
    key  UBIGINT NOT NULL
);
INSERT INTO dedup_common_keys
SELECT key FROM dedup_keys WHERE kind = 'sample' GROUP BY key HAVING count(*) > 50;
DELETE FROM dedup_keys WHERE kind = 'sample' AND key IN (SELECT key FROM dedup_common_keys);
