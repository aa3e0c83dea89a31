-- Whether each article's text went through NER, or why not; $1: ids of the new articles.
UPDATE articles AS a
SET entity_status = CASE WHEN r.status = 'analysed' THEN 'analysed' ELSE 'skipped: ' || coalesce(r.reason, 'no reason given') END
FROM entity_runs AS r
WHERE r.content_hash = a.content_hash AND list_contains($1, a.article_id);
