-- Articles with a story but no stored features (a warehouse upgraded from before features
-- were kept): their features are counted once, from the body, when the step next runs.
SELECT l.article_id
FROM story_links AS l
JOIN article_texts AS t USING (article_id)
WHERE l.article_id NOT IN (SELECT article_id FROM story_features)
ORDER BY l.article_id
