-- Actors mentioned in the same articles as a given actor (change the name).
WITH target AS (
    SELECT DISTINCT m.article_id
    FROM mentions AS m JOIN actors AS ac USING (actor_id)
    WHERE ac.name = 'Xi Jinping'
)
SELECT ac.name, ac.actor_type, count(DISTINCT m.article_id) AS shared_articles
FROM mentions AS m JOIN target USING (article_id) JOIN actors AS ac USING (actor_id)
WHERE ac.name <> 'Xi Jinping'
GROUP BY 1, 2
ORDER BY shared_articles DESC
LIMIT 20;
