-- The body of each pending content hash (the content hashes list `pending`); copies share one body.
-- From the stage table, not the `articles` view: the view's joins cost more than the read itself.
SELECT content_hash, any_value(body) AS body
FROM article_texts
WHERE content_hash IN {{pending}}
GROUP BY content_hash;
