-- Articles with stored features but no postings (assigned before the index existed): posted
-- once, from their stored features, when the stories step next runs.
SELECT f.article_id, t.published_date, f.terms, f.counts
FROM story_features AS f
JOIN article_texts AS t USING (article_id)
WHERE f.article_id NOT IN (SELECT DISTINCT article_id FROM story_postings)
ORDER BY f.article_id
