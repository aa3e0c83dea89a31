-- The actors mentioned by the articles of one chunk (the article ids list `ids`).
SELECT DISTINCT m.article_id, m.actor_id
FROM actor_mentions AS m
WHERE m.article_id IN {{ids}}
ORDER BY m.article_id, m.actor_id
