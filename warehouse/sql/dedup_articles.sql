-- What duplicate detection reads of the articles of one chunk (registered relation _ids).
SELECT t.article_id, t.source_path, t.body, t.content_hash, t.published_date
FROM article_texts AS t
JOIN _ids USING (article_id)
ORDER BY t.published_date NULLS LAST, t.article_id
