-- Cached bodies (relation `kept`) resolved with something the corpus no longer says: a name
-- now (or no longer) written in mixed case, found in capitals lines, or defined as an acronym.
SELECT DISTINCT r.content_hash
FROM actor_local_reads AS r
LEFT JOIN corpus_state AS s ON s.kind = r.kind AND s.key = r.key
WHERE coalesce(s.value, '') <> r.value
  AND r.content_hash IN (SELECT content_hash FROM kept)
ORDER BY r.content_hash
