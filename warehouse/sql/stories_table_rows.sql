-- The `stories` rows of the stories touched by a chunk (registered relation _stories), from
-- their articles: the title of the earliest article that has one (earliest: by day, undated
-- last, then id), first and last day, articles, outlets, unique articles (copies counted once;
-- an article without a copy group counts as one). Narrow columns only: the body of the
-- earliest article is read afterwards, and only for a story without any title
-- (stories_table_leads.sql), so a chunk never scans the bodies of the corpus.
WITH a AS (
    SELECT l.story_id, l.article_id, t.title, t.published_date, t.outlet, s.dup_group_id,
           {'undated': t.published_date IS NULL, 'day': coalesce(t.published_date, DATE '0001-01-01'),
            'id': l.article_id} AS earliest
    FROM story_links AS l
    JOIN _stories USING (story_id)
    JOIN article_texts AS t USING (article_id)
    LEFT JOIN article_signatures AS s USING (article_id)
)
SELECT story_id,
       arg_min(title, earliest) FILTER (WHERE title IS NOT NULL) AS title,
       arg_min(article_id, earliest) AS first_article,
       min(published_date) AS first_seen,
       max(published_date) AS last_seen,
       count(*) AS articles,
       count(DISTINCT outlet) AS outlets,
       count(DISTINCT dup_group_id) + max(CASE WHEN dup_group_id IS NULL THEN 1 ELSE 0 END) AS unique_articles
FROM a
GROUP BY story_id
ORDER BY story_id
