-- What the `stories` rows of the stories touched by a chunk (registered relation _stories) are
-- rebuilt from: their articles' titles, days, outlets and groups, and the start of their bodies.
SELECT l.article_id, l.story_id, t.title, t.published_date, t.outlet, s.dup_group_id, left(t.body, 400) AS lead
FROM story_links AS l
JOIN _stories USING (story_id)
JOIN article_texts AS t USING (article_id)
LEFT JOIN article_signatures AS s USING (article_id)
