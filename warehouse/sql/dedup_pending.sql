-- Cleaned articles without a signature of their current body: oldest first (so that a copy
-- points at the article it copies), in a stable order so chunk boundaries repeat on a re-run.
SELECT t.article_id
FROM article_texts AS t
WHERE t.article_id NOT IN (SELECT article_id FROM article_signatures)
ORDER BY t.published_date NULLS LAST, t.article_id
