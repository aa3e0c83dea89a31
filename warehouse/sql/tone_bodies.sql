-- The body of each pending content hash (registered frame `pending`); copies share one body.
SELECT content_hash, any_value(body) AS body
FROM articles
WHERE content_hash IN (SELECT content_hash FROM pending)
GROUP BY content_hash;
