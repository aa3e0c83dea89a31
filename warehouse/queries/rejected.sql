-- Files that were refused, and why.
SELECT source_path, reason, rejected_at FROM rejected_files ORDER BY rejected_at DESC, source_path;
