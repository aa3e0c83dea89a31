-- Who is quoted most, copies of an article counted once; and how many quotations have no
-- resolved speaker (the last row).
SELECT coalesce(ac.name, '(speaker not resolved)') AS speaker,
       count(DISTINCT coalesce(a.dup_group_id, a.article_id) || ':' || q.start_char) AS quotes,
       count(*) FILTER (WHERE q.kind = 'direct')   AS direct,
       count(*) FILTER (WHERE q.kind = 'reported') AS reported,
       count(DISTINCT a.article_id)                AS articles
FROM quotes AS q
JOIN articles AS a USING (article_id)
LEFT JOIN actors AS ac USING (actor_id)
GROUP BY ac.name
ORDER BY ac.name IS NULL, quotes DESC
LIMIT 25;
