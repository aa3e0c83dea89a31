-- Articles without a story yet, with what clustering reads from them.
SELECT article_id, title, body, published_date, dup_group_id
FROM articles
WHERE story_id IS NULL
