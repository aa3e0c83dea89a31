-- Landing files the warehouse accounts for: a ledger entry backed by articles or a refusal.
SELECT l.source_path
FROM landing_files AS l
WHERE EXISTS (SELECT 1 FROM articles AS a WHERE a.source_path = l.source_path)
   OR EXISTS (SELECT 1 FROM rejected_files AS r WHERE r.source_path = l.source_path);
