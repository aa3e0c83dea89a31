-- Stored entity spans of the bodies of one chunk the actors step resolves (the list `wanted`).
SELECT s.content_hash, s.surface, s.entity_label, s.start_char, s.end_char
FROM entity_spans AS s
WHERE s.content_hash IN {{wanted}}
ORDER BY s.content_hash, s.start_char, s.end_char
