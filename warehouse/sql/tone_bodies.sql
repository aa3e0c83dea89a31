-- The body of each pending content hash (the content hashes list `pending`); copies share one body.
SELECT content_hash, any_value(body) AS body
FROM articles
WHERE content_hash IN {{pending}}
GROUP BY content_hash;
