-- Running per-outlet line counts for the outlets of this chunk (registered relation _outlets).
SELECT s.outlet, s.line_hash, s.documents
FROM outlet_line_stats AS s
JOIN _outlets USING (outlet)
