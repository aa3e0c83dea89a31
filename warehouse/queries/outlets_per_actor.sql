-- Which outlets cover an actor, and how much.
SELECT coalesce(a.outlet, '(unknown)') AS outlet, count(DISTINCT a.article_id) AS articles,
       count(DISTINCT a.dup_group_id) AS unique_articles, min(a.published_date) AS since
FROM mentions AS m JOIN articles AS a USING (article_id) JOIN actors AS ac USING (actor_id)
WHERE ac.name = 'Russia'
GROUP BY 1
ORDER BY articles DESC;
