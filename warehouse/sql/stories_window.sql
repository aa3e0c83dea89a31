-- The stored features of the candidate articles (registered relation _earlier) with their day,
-- copy group and story, so no body is read or stemmed again.
SELECT f.article_id, t.published_date, s.dup_group_id, l.story_id, f.terms, f.counts
FROM story_features AS f
JOIN _earlier USING (article_id)
JOIN story_links AS l USING (article_id)
JOIN article_texts AS t USING (article_id)
LEFT JOIN article_signatures AS s USING (article_id)
ORDER BY t.published_date NULLS LAST, f.article_id
