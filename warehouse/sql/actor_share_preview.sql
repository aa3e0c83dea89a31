-- The leading actors' share of voice over their type and of all articles, whole period, from
-- the timelines (cheap at any size), for the actor_share asset's preview.
WITH totals AS (
    SELECT t.actor_id, any_value(ac.name) AS name, any_value(ac.actor_type) AS actor_type,
           sum(t.articles) AS articles, sum(t.mentions) AS mentions, min(t.day) AS first_day, max(t.day) AS last_day
    FROM actor_timelines AS t JOIN actors AS ac USING (actor_id)
    GROUP BY t.actor_id
)
SELECT name, actor_type, articles,
       round(mentions / sum(mentions) OVER (PARTITION BY actor_type), 3) AS share_of_voice,
       round(articles / (SELECT count(*) FROM articles WHERE published_date IS NOT NULL), 3) AS share_of_articles,
       first_day, last_day
FROM totals
QUALIFY row_number() OVER (ORDER BY articles DESC, name) <= ?
ORDER BY articles DESC, name;
