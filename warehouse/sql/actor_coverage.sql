-- One row per actor over all time, for the actors with ids from $1 to $2 (a part of the
-- rebuild: actor_coverage_table.sql empties the table, actor_mention_ranges.sql cuts the parts,
-- so that the distinct counts' hash tables hold a range's mentions, not the corpus's).
INSERT INTO actor_coverage
SELECT
    m.actor_id,
    any_value(ac.name)                  AS name,
    any_value(ac.actor_type)            AS actor_type,
    count(*)                            AS mentions,
    count(DISTINCT m.article_id)        AS articles,
    count(DISTINCT coalesce(a.dup_group_id, a.article_id)) AS unique_articles,
    count(DISTINCT a.story_id)          AS stories,
    count(DISTINCT a.outlet)            AS outlets,
    min(a.published_date)               AS first_seen,
    max(a.published_date)               AS last_seen
FROM actor_mentions AS m
JOIN articles AS a USING (article_id)
JOIN actors AS ac USING (actor_id)
WHERE m.actor_id BETWEEN $1 AND $2
GROUP BY m.actor_id
ORDER BY articles DESC, mentions DESC, name;
