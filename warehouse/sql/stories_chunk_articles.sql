-- What story assignment reads of the articles of one chunk (the article ids list `ids`).
SELECT t.article_id, t.title, t.body, t.published_date, t.content_hash, s.dup_group_id
FROM article_texts AS t
LEFT JOIN article_signatures AS s USING (article_id)
WHERE t.article_id IN {{ids}}
ORDER BY t.published_date NULLS LAST, t.article_id
