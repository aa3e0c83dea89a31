-- Running per-outlet counts of the lines of this chunk (registered relation _keys: outlet,
-- line_hash): only those lines can be furniture of this chunk's documents.
SELECT s.outlet, s.line_hash, s.documents
FROM outlet_line_stats AS s
JOIN _keys USING (outlet, line_hash)
