-- Running per-outlet line counts for the outlets of this batch (parameter: list of outlets).
SELECT outlet, line_hash, documents
FROM outlet_line_stats
WHERE list_contains(?, outlet)
