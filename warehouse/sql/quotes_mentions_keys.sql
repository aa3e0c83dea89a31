-- Per English body, a key of what the quotes step reads of its mentions (offsets, actor types
-- and actors): a body whose key differs from the one in quote_bodies (or has none) is read
-- again. The key is an order-free sum of each mention's hash, so it needs no sort of all mentions; copies
-- of a body have the same mentions, so one article per body is enough.
WITH bodies AS (
    SELECT content_hash, min(article_id) AS article_id
    FROM article_texts
    WHERE content_hash IS NOT NULL AND language = 'en'
    GROUP BY content_hash
)
SELECT b.content_hash,
       coalesce(CAST(sum(hash(concat_ws(':', m.start_char, m.end_char, ac.actor_type, m.actor_id))) AS VARCHAR), '') AS mentions_key
FROM bodies AS b
LEFT JOIN actor_mentions AS m ON m.article_id = b.article_id
LEFT JOIN actors AS ac ON ac.actor_id = m.actor_id
GROUP BY b.content_hash
