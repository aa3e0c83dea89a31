-- Stored signatures that may be copies of the new articles (registered as _dedup_new, with
-- their LSH band keys and shingle samples in _dedup_keys): same content hash, a shared LSH
-- bucket, or at least $1 shared sampled shingles. Keys are looked up in `dedup_keys`, one row
-- per stored key; boilerplate shingles (held by more than SAMPLE_MAX_ARTICLES articles) are
-- not there: they left it when they became common (dedup_mark_common.sql).
WITH stored_keys AS (
    SELECT d.kind, d.key, d.article_id
    FROM dedup_keys AS d
    JOIN _dedup_keys AS k USING (kind, key)
    WHERE d.article_id NOT IN (SELECT article_id FROM _dedup_new)
),
hits AS (
    SELECT DISTINCT article_id FROM stored_keys WHERE kind = 'band'
    UNION
    SELECT article_id FROM stored_keys
    WHERE kind = 'sample'
    GROUP BY article_id HAVING count(*) >= $1
    UNION
    SELECT s.article_id FROM article_signatures AS s JOIN _dedup_new AS n USING (content_hash)
    WHERE s.shingles > 0 AND s.article_id NOT IN (SELECT article_id FROM _dedup_new)
)
SELECT article_id, source_path, dup_group_id, content_hash, shingles, minhash, lsh_bands, shingle_sample
FROM article_signatures
WHERE article_id IN (SELECT article_id FROM hits)
