-- The mentions of the pending bodies (registered frame `pending`) with their actors and types.
-- Through the stage table `article_texts`, not the `articles` view (the same rows; the view
-- adds left joins the step does not need), as tone_mentions.sql does.
SELECT DISTINCT t.content_hash, m.start_char, m.end_char, ac.actor_type, m.actor_id
FROM article_texts AS t
JOIN actor_mentions AS m USING (article_id)
JOIN actors AS ac USING (actor_id)
WHERE t.content_hash IN (SELECT content_hash FROM pending);
