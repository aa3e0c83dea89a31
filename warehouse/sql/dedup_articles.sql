-- What duplicate detection reads of the articles of one chunk (the article ids list `ids`).
SELECT t.article_id, t.source_path, t.body, t.content_hash, t.published_date
FROM article_texts AS t
WHERE t.article_id IN {{ids}}
ORDER BY t.published_date NULLS LAST, t.article_id
