-- The mentions of the affected articles (_affected_articles) with ids from $1 to $2, resolved to
-- their actors. Where two mentions of a body cover the same text, the first in the corpus order.
-- Ranges come in article order, so the table ends up in the order one statement over all
-- affected articles would give.
INSERT INTO actor_mentions (article_id, actor_id, surface, entity_label, start_char, end_char, source)
SELECT a.article_id, m.actor_id, m.surface, m.entity_label, m.start_char, m.end_char, m.source
FROM (
    SELECT l.content_hash, r.actor_id, l.surface, l.entity_label, l.start_char, l.end_char, l.source
    FROM actor_local_mentions AS l
    JOIN actor_resolutions AS r USING (signature)
    WHERE l.content_hash IN (SELECT t.content_hash FROM article_texts AS t JOIN _affected_articles USING (article_id)
                             WHERE t.article_id BETWEEN $1 AND $2)
    QUALIFY row_number() OVER (PARTITION BY l.content_hash, l.start_char, l.end_char ORDER BY l.position) = 1
) AS m
JOIN article_texts AS a USING (content_hash)
WHERE a.article_id BETWEEN $1 AND $2
  AND a.article_id IN (SELECT article_id FROM _affected_articles)
ORDER BY a.article_id, m.start_char
