-- Stored signatures that may be copies of the new articles (registered as _dedup_new, with
-- their LSH band keys and shingle samples in _dedup_keys): same content hash, a shared LSH
-- bucket, or at least $2 shared sampled shingles that are not boilerplate (found in at most
-- $1 stored articles). Keys are looked up in `dedup_keys`, one row per stored key; the keys of
-- boilerplate shingles left it when they became common (dedup_mark_common.sql), so the count
-- below only catches what a chunk's lookup would otherwise find common.
WITH stored_keys AS (
    SELECT d.kind, d.key, d.article_id
    FROM dedup_keys AS d
    JOIN _dedup_keys AS k USING (kind, key)
    WHERE d.article_id NOT IN (SELECT article_id FROM _dedup_new)
),
common_samples AS (
    SELECT key FROM stored_keys WHERE kind = 'sample' GROUP BY key HAVING count(*) > $1
),
hits AS (
    SELECT DISTINCT article_id FROM stored_keys WHERE kind = 'band'
    UNION
    SELECT article_id FROM stored_keys
    WHERE kind = 'sample' AND key NOT IN (SELECT key FROM common_samples)
    GROUP BY article_id HAVING count(*) >= $2
    UNION
    SELECT s.article_id FROM article_signatures AS s JOIN _dedup_new AS n USING (content_hash)
    WHERE s.shingles > 0 AND s.article_id NOT IN (SELECT article_id FROM _dedup_new)
)
SELECT article_id, source_path, dup_group_id, content_hash, shingles, minhash, lsh_bands, shingle_sample
FROM article_signatures
WHERE article_id IN (SELECT article_id FROM hits)
