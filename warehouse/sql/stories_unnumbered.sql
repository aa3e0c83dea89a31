-- Stored features written before terms were numbered (migration 10): numbered once, a chunk at
-- a time (stories_unnumbered_rows.sql), when the stories step next runs.
SELECT article_id
FROM story_features
WHERE term_ids IS NULL
ORDER BY article_id
