-- Stored entity spans of the bodies the actors step resolves this run (relation `wanted`).
SELECT s.content_hash, s.surface, s.entity_label, s.start_char, s.end_char
FROM entity_spans AS s
WHERE s.content_hash IN (SELECT content_hash FROM wanted)
ORDER BY s.content_hash, s.start_char, s.end_char
