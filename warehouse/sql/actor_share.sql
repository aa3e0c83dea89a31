-- One row per actor and day from the actor's first to its last dated mention, quiet days
-- included with zeros: articles and mentions, and their shares of the day's articles and of
-- the day's mentions of actors of the same type; unique_articles count copies once. A share is 0 when its denominator is 0.
-- Not sorted: half a million rows at 10k articles, and every query sorts what it needs.
CREATE OR REPLACE TABLE actor_share AS
WITH dated AS (
    SELECT article_id, published_date AS day, coalesce(dup_group_id, article_id) AS dup_group
    FROM articles WHERE published_date IS NOT NULL
),
day_articles AS (
    SELECT day, count(*) AS articles, count(DISTINCT dup_group) AS unique_articles FROM dated GROUP BY day
),
per_actor AS (
    SELECT m.actor_id, d.day, count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
           count(DISTINCT d.dup_group) AS unique_articles
    FROM mentions AS m JOIN dated AS d USING (article_id)
    GROUP BY m.actor_id, d.day
),
type_day AS (
    SELECT ac.actor_type, p.day, sum(p.mentions) AS mentions
    FROM per_actor AS p JOIN actors AS ac USING (actor_id)
    GROUP BY ac.actor_type, p.day
),
grid AS (
    SELECT actor_id, unnest(generate_series(min(day), max(day), INTERVAL 1 DAY))::DATE AS day
    FROM per_actor GROUP BY actor_id
)
SELECT
    g.actor_id,
    ac.name,
    ac.actor_type,
    g.day,
    coalesce(p.articles, 0)                                     AS articles,
    coalesce(p.mentions, 0)                                     AS mentions,
    coalesce(d.articles, 0)                                     AS all_articles,
    coalesce(p.unique_articles, 0)                              AS unique_articles,
    coalesce(d.unique_articles, 0)                              AS all_unique_articles,
    coalesce(t.mentions, 0)                                     AS type_mentions,
    coalesce(p.articles / nullif(d.articles, 0), 0)::DOUBLE     AS share_of_articles,
    coalesce(p.mentions / nullif(t.mentions, 0), 0)::DOUBLE     AS share_of_voice
FROM grid AS g
JOIN actors AS ac USING (actor_id)
LEFT JOIN per_actor AS p USING (actor_id, day)
LEFT JOIN day_articles AS d USING (day)
LEFT JOIN type_day AS t ON t.actor_type = ac.actor_type AND t.day = g.day;
