-- The raw records of one cleaning chunk (the article ids list `ids`).
SELECT r.source_path, r.record_index, r.file_hash, r.format, r.text, r.title, r.url, r.outlet, r.author,
       r.language, r.meta_date, r.meta_date_source, r.file_mtime_date
FROM raw_records AS r
WHERE r.article_id IN {{ids}}
ORDER BY r.source_path, r.record_index
