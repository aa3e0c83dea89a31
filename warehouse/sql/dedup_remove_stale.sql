-- Signatures of articles that are gone or whose body changed (their file was parsed again):
-- removed with the duplicate links they take part in, so they are compared afresh. Returns
-- how many.
CREATE OR REPLACE TEMP TABLE _stale_signatures AS
SELECT s.article_id
FROM article_signatures AS s
LEFT JOIN article_texts AS t ON t.article_id = s.article_id AND t.content_hash IS NOT DISTINCT FROM s.content_hash
WHERE t.article_id IS NULL;
DELETE FROM duplicates
WHERE article_id IN (SELECT article_id FROM _stale_signatures)
   OR duplicate_of IN (SELECT article_id FROM _stale_signatures);
DELETE FROM article_signatures WHERE article_id IN (SELECT article_id FROM _stale_signatures);
DELETE FROM dedup_keys WHERE article_id IN (SELECT article_id FROM _stale_signatures);
SELECT count(*) FROM _stale_signatures;
