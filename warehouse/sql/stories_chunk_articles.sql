-- What story assignment reads of the articles of one chunk (registered relation _ids), and
-- (second statement) the actors they mention.
SELECT t.article_id, t.title, t.body, t.published_date, t.content_hash, s.dup_group_id
FROM article_texts AS t
JOIN _ids USING (article_id)
LEFT JOIN article_signatures AS s USING (article_id)
ORDER BY t.published_date NULLS LAST, t.article_id
