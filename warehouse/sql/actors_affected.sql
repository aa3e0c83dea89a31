-- The affected articles (_affected_articles, listed by actors_publish.sql) that hold a body, with
-- that body's content hash, in article order: the chunks actors_publish_mentions.sql writes.
SELECT a.article_id, t.content_hash
FROM _affected_articles AS a
JOIN article_texts AS t USING (article_id)
WHERE t.content_hash IS NOT NULL
ORDER BY a.article_id
