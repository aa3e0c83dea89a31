-- The affected articles (_affected_articles, listed by actors_publish.sql) that hold a body: the
-- keys whose ranges actors_publish_mentions.sql writes a part at a time.
SELECT a.article_id
FROM _affected_articles AS a
JOIN article_texts AS t USING (article_id)
WHERE t.content_hash IS NOT NULL
