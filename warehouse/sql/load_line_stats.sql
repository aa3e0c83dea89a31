-- Add this run's per-outlet line counts (frame _line_stats) to the running totals.
INSERT INTO outlet_line_stats (outlet, line_hash, documents)
SELECT outlet, line_hash, documents FROM _line_stats
ON CONFLICT (outlet, line_hash) DO UPDATE SET documents = outlet_line_stats.documents + excluded.documents;
