-- The bodies of one chunk the actors step resolves (the content hashes list `wanted`).
SELECT content_hash, arg_min(body, article_id) AS body
FROM article_texts
WHERE content_hash IN {{wanted}}
GROUP BY content_hash
ORDER BY content_hash
