-- Articles with a story that new articles (registered relation _ids) could join: published within
-- $3 days of the new articles' dates ($1 .. $2), undated, or copies of a new article; with their
-- stored features, so no body is read or stemmed again.
SELECT f.article_id, t.published_date, s.dup_group_id, l.story_id, f.terms, f.counts
FROM story_features AS f
JOIN story_links AS l USING (article_id)
JOIN article_texts AS t USING (article_id)
LEFT JOIN article_signatures AS s USING (article_id)
WHERE f.article_id NOT IN (SELECT article_id FROM _ids)
  AND (
        $1 IS NULL
        OR t.published_date IS NULL
        OR t.published_date BETWEEN CAST($1 AS DATE) - CAST($3 AS INTEGER) AND CAST($2 AS DATE) + CAST($3 AS INTEGER)
        OR s.dup_group_id IN (SELECT s2.dup_group_id FROM article_signatures AS s2 JOIN _ids USING (article_id))
      )
ORDER BY t.published_date NULLS LAST, f.article_id
