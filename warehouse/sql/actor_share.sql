-- actor_share: one row per actor and day from the actor's first to its last dated mention,
-- quiet days included with zeros: articles and mentions, and their shares of the day's
-- articles and of the day's mentions of actors of the same type. A share is 0 when its
-- denominator is 0; unique_articles count copies once.
-- A view over actor_timelines (the per-actor daily counts the pipeline already keeps), so the
-- zero-filled rows (half a million at 10k articles) cost nothing at run time and are always
-- consistent with the timelines.
CREATE OR REPLACE VIEW actor_share AS
WITH day_articles AS (
    SELECT published_date AS day, count(*) AS articles,
           count(DISTINCT coalesce(dup_group_id, article_id)) AS unique_articles
    FROM articles WHERE published_date IS NOT NULL GROUP BY 1
),
typed AS (
    SELECT t.actor_id, t.day, t.articles, t.mentions, t.unique_articles, ac.name, ac.actor_type
    FROM actor_timelines AS t JOIN actors AS ac USING (actor_id)
),
type_day AS (
    SELECT actor_type, day, sum(mentions) AS mentions FROM typed GROUP BY actor_type, day
),
grid AS (
    SELECT actor_id, any_value(name) AS name, any_value(actor_type) AS actor_type,
           unnest(generate_series(min(day), max(day), INTERVAL 1 DAY))::DATE AS day
    FROM typed GROUP BY actor_id
)
SELECT
    g.actor_id,
    g.name,
    g.actor_type,
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
LEFT JOIN typed AS p USING (actor_id, day)
LEFT JOIN day_articles AS d USING (day)
LEFT JOIN type_day AS t ON t.actor_type = g.actor_type AND t.day = g.day;
