-- Articles that already have a story and could share one with the new articles: published
-- within $3 days of the new articles' dates ($1 .. $2), undated, or copies of a new article.
SELECT article_id, title, body, published_date, dup_group_id, story_id
FROM articles
WHERE story_id IS NOT NULL
  AND (
        $1 IS NULL
        OR published_date IS NULL
        OR published_date BETWEEN CAST($1 AS DATE) - CAST($3 AS INTEGER) AND CAST($2 AS DATE) + CAST($3 AS INTEGER)
        OR dup_group_id IN (SELECT dup_group_id FROM articles WHERE story_id IS NULL)
      )
