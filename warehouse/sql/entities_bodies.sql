-- The bodies of one entity chunk (the content hashes list `hashes`), one row per distinct body.
SELECT t.content_hash, any_value(t.language ORDER BY t.article_id) AS language,
       any_value(t.body ORDER BY t.article_id) AS body
FROM article_texts AS t
WHERE t.content_hash IN {{hashes}}
GROUP BY t.content_hash
ORDER BY t.content_hash
