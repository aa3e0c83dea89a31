-- Raw records without a cleaned version of the same bytes (new, or their file changed): the
-- cleaning stage's work, in a stable order so that chunk boundaries are the same on a re-run.
SELECT r.article_id
FROM raw_records AS r
LEFT JOIN article_texts AS t ON t.article_id = r.article_id AND t.file_hash IS NOT DISTINCT FROM r.file_hash
WHERE t.article_id IS NULL
ORDER BY r.source_path, r.record_index
