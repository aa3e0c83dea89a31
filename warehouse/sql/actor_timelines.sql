-- One row per actor and publication day. Articles without a published_date have no day and
-- are counted in actor_coverage only.
CREATE OR REPLACE TABLE actor_timelines AS
SELECT
    m.actor_id,
    any_value(ac.name)                  AS name,
    a.published_date                    AS day,
    count(*)                            AS mentions,
    count(DISTINCT m.article_id)        AS articles,
    count(DISTINCT coalesce(a.dup_group_id, a.article_id)) AS unique_articles,
    count(DISTINCT a.story_id)          AS stories,
    count(DISTINCT a.outlet)            AS outlets
FROM actor_mentions AS m
JOIN articles AS a USING (article_id)
JOIN actors AS ac USING (actor_id)
WHERE a.published_date IS NOT NULL
GROUP BY m.actor_id, a.published_date
ORDER BY m.actor_id, day;
