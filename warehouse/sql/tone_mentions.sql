-- Every mention's offsets in the pending bodies (registered frame `pending`), once per body.
SELECT DISTINCT a.content_hash, m.start_char, m.end_char
FROM actor_mentions AS m
JOIN articles AS a USING (article_id)
WHERE a.content_hash IN (SELECT content_hash FROM pending);
