-- Stored signatures that may be copies of the new articles (registered as _dedup_new, with
-- their LSH band keys and shingle samples in _dedup_keys): same content hash, a shared LSH
-- bucket, or at least $2 shared sampled shingles that are not boilerplate (found in at most
-- $1 stored articles).
WITH stored AS (
    SELECT s.*
    FROM article_signatures AS s
    WHERE s.article_id NOT IN (SELECT article_id FROM _dedup_new)
),
band_hits AS (
    SELECT DISTINCT b.article_id
    FROM (SELECT article_id, unnest(lsh_bands) AS key FROM stored) AS b
    JOIN _dedup_keys AS k ON k.kind = 'band' AND k.key = b.key
),
sample_hits AS (
    SELECT s.article_id, s.key
    FROM (SELECT article_id, unnest(shingle_sample) AS key FROM stored) AS s
    JOIN _dedup_keys AS k ON k.kind = 'sample' AND k.key = s.key
),
common_samples AS (
    SELECT key FROM sample_hits GROUP BY key HAVING count(*) > $1
),
hits AS (
    SELECT article_id FROM band_hits
    UNION
    SELECT article_id FROM sample_hits
    WHERE key NOT IN (SELECT key FROM common_samples)
    GROUP BY article_id HAVING count(*) >= $2
    UNION
    SELECT s.article_id FROM stored AS s JOIN _dedup_new AS n USING (content_hash) WHERE s.shingles > 0
)
SELECT article_id, source_path, dup_group_id, content_hash, shingles, minhash, lsh_bands, shingle_sample
FROM stored
WHERE article_id IN (SELECT article_id FROM hits)
