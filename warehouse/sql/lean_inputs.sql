-- What story_lean, actor_lean and story_blindspots are built from, as counts and order-free
-- sums of row hashes: the articles' stories (story_links) and outlets, the outlets' leans, the
-- mentions' articles and actors, the actors' names (from the stage tables under the views).
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(article_id, story_id, outlet)), 0) FROM article_texts LEFT JOIN story_links USING (article_id))
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(outlet, lean)), 0) FROM outlets)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(article_id, actor_id)), 0) FROM actor_mentions)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(actor_id, name)), 0) FROM actors) AS fingerprint
