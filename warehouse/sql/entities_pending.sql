-- Distinct bodies of cleaned articles that the entity step has not seen (no entity_runs row),
-- in a stable order so that chunk boundaries are the same on a re-run.
SELECT DISTINCT t.content_hash
FROM article_texts AS t
WHERE t.content_hash IS NOT NULL
  AND t.content_hash NOT IN (SELECT content_hash FROM entity_runs)
ORDER BY t.content_hash
