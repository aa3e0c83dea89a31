-- The outlets articles name, with the host of their urls (without www.) and article counts.
SELECT outlet,
       nullif(regexp_replace(lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1)), '^www\.', ''), '') AS host,
       count(*) AS articles
FROM articles
WHERE outlet IS NOT NULL
GROUP BY ALL;
