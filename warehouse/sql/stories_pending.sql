-- Articles ready for a story and without one: cleaned, compared for copies and with their
-- actors resolved (both of the current body), oldest first in a stable order.
SELECT t.article_id
FROM article_texts AS t
JOIN article_signatures AS s ON s.article_id = t.article_id AND s.content_hash IS NOT DISTINCT FROM t.content_hash
JOIN actor_articles AS a ON a.article_id = t.article_id AND a.content_hash IS NOT DISTINCT FROM t.content_hash
WHERE t.article_id NOT IN (SELECT article_id FROM story_links)
ORDER BY t.published_date NULLS LAST, t.article_id
