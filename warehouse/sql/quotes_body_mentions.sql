-- The mentions of the pending bodies (registered frame `pending`) with their actors and types.
SELECT DISTINCT a.content_hash, m.start_char, m.end_char, ac.actor_type, m.actor_id
FROM articles AS a
JOIN actor_mentions AS m USING (article_id)
JOIN actors AS ac USING (actor_id)
WHERE a.content_hash IN (SELECT content_hash FROM pending);
