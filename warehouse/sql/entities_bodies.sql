-- The bodies of one entity chunk (registered relation _hashes), one row per distinct body.
SELECT t.content_hash, any_value(t.language ORDER BY t.article_id) AS language,
       any_value(t.body ORDER BY t.article_id) AS body
FROM article_texts AS t
JOIN _hashes USING (content_hash)
GROUP BY t.content_hash
ORDER BY t.content_hash
