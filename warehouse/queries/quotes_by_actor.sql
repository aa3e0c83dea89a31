-- What one actor said (change the name): direct and reported quotations, newest first.
SELECT a.published_date, a.outlet, q.kind, q.quote, a.title
FROM quotes AS q
JOIN actors AS ac USING (actor_id)
JOIN articles AS a USING (article_id)
WHERE ac.name = 'Xi Jinping'
ORDER BY a.published_date DESC NULLS LAST, a.article_id, q.start_char;
