-- The actors mentioned by the articles of one chunk (registered relation _ids).
SELECT DISTINCT m.article_id, m.actor_id
FROM actor_mentions AS m
JOIN _ids USING (article_id)
ORDER BY m.article_id, m.actor_id
