-- actor_share is a view: what it shows is always current, so what it is "built from" is only
-- whether the view exists (and, through the fingerprint's digest, the SQL that defines it).
SELECT 'view:' || count(*) AS fingerprint FROM duckdb_views() WHERE view_name = 'actor_share' AND NOT internal
