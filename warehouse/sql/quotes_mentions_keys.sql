-- Per English body, a key of what the quotes step reads of its mentions (offsets and actor
-- types and actors): a body whose key differs from the one in quote_bodies (or has none) is read again.
WITH bodies AS (
    SELECT DISTINCT content_hash FROM articles WHERE content_hash IS NOT NULL AND language = 'en'
), body_mentions AS (
    SELECT DISTINCT a.content_hash, m.start_char, m.end_char, ac.actor_type, m.actor_id
    FROM articles AS a
    JOIN actor_mentions AS m USING (article_id)
    JOIN actors AS ac USING (actor_id)
    WHERE a.content_hash IS NOT NULL AND a.language = 'en'
)
SELECT b.content_hash,
       coalesce(md5(string_agg(m.start_char || ':' || m.end_char || ':' || m.actor_type || ':' || m.actor_id, ';'
                               ORDER BY m.start_char, m.end_char, m.actor_type)), '') AS mentions_key
FROM bodies AS b
LEFT JOIN body_mentions AS m USING (content_hash)
GROUP BY b.content_hash;
