-- The bodies the actors step resolves this run (those in the registered relation `wanted`).
SELECT content_hash, arg_min(body, article_id) AS body
FROM article_texts
WHERE content_hash IN (SELECT content_hash FROM wanted)
GROUP BY content_hash
ORDER BY content_hash
