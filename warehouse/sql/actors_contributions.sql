-- What the cached bodies (relation `kept`) tell the corpus, added up per kind, key and value:
-- label votes with their first position in the corpus order, the other kinds once.
SELECT NULL::VARCHAR AS content_hash, c.kind, c.key, c.value, sum(c.count)::BIGINT AS count, min(c.position) AS position
FROM actor_local_contributions AS c
WHERE c.content_hash IN (SELECT content_hash FROM kept)
GROUP BY c.kind, c.key, c.value
