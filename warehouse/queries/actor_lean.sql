-- Leading actors' articles by outlet lean, one row per actor.
SELECT name,
       sum(articles) FILTER (WHERE lean IN ('left', 'lean-left'))   AS left_articles,
       sum(articles) FILTER (WHERE lean = 'center')                 AS center_articles,
       sum(articles) FILTER (WHERE lean IN ('lean-right', 'right')) AS right_articles,
       sum(articles) FILTER (WHERE lean IS NULL)                    AS unrated_articles,
       sum(articles)                                                AS articles
FROM actor_lean
GROUP BY actor_id, name
ORDER BY articles DESC, name
LIMIT 20;
