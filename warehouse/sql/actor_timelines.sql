-- One row per actor and publication day, for the actors with ids from $1 to $2 (a part of the
-- rebuild: actor_timelines_table.sql empties the table, actor_mention_ranges.sql cuts the parts).
-- Articles without a published_date have no day and are counted in actor_coverage only.
INSERT INTO actor_timelines
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
WHERE a.published_date IS NOT NULL AND m.actor_id BETWEEN $1 AND $2
GROUP BY m.actor_id, a.published_date
ORDER BY m.actor_id, day;
