-- English bodies whose quotations are to be found (again): per body, a key of what the quotes
-- step reads of its mentions (offsets, actor types and actors), kept where it differs from the
-- one stored in quote_bodies or none is stored (`again`: the body has quotations already, to be
-- replaced). The key is an order-free sum of each mention's hash, so it needs no sort of all
-- mentions; copies of a body have the same mentions, so one article per body is enough. Only the
-- bodies whose content hash is between $1 and $2 (a range of tone_body_keys.sql), so that no
-- statement's hash tables hold every body and mention of the corpus.
WITH bodies AS (
    SELECT content_hash, min(article_id) AS article_id
    FROM article_texts
    WHERE content_hash BETWEEN $1 AND $2 AND language = 'en'
    GROUP BY content_hash
), keys AS (
    SELECT b.content_hash,
           coalesce(CAST(sum(hash(concat_ws(':', m.start_char, m.end_char, ac.actor_type, m.actor_id))) AS VARCHAR), '') AS mentions_key
    FROM bodies AS b
    LEFT JOIN actor_mentions AS m ON m.article_id = b.article_id
    LEFT JOIN actors AS ac ON ac.actor_id = m.actor_id
    GROUP BY b.content_hash
)
SELECT k.content_hash, k.mentions_key, s.content_hash IS NOT NULL AS again
FROM keys AS k
LEFT JOIN (SELECT content_hash, mentions_key FROM quote_bodies WHERE content_hash BETWEEN $1 AND $2) AS s
       USING (content_hash)
WHERE s.mentions_key IS DISTINCT FROM k.mentions_key
ORDER BY k.content_hash
