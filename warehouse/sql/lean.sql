-- Coverage by the lean of outlets (from `outlets`): per story, per actor, and the stories one
-- side covered and the other did not (story_blindspots). Articles of outlets without a lean
-- count under lean NULL. The left side is left and lean-left, the right side lean-right and right.
-- Read from the stage tables under the `articles` and `mentions` views (the same rows: the
-- views' other joins are on keys and only add columns), so that no statement holds the
-- corpus's mention tones or signatures in a hash table it does not use.
CREATE OR REPLACE TABLE story_lean AS
SELECT l.story_id, o.lean, count(*) AS articles, count(DISTINCT a.outlet) AS outlets
FROM story_links AS l
JOIN article_texts AS a USING (article_id)
LEFT JOIN outlets AS o USING (outlet)
WHERE l.story_id IS NOT NULL
GROUP BY ALL
ORDER BY l.story_id, o.lean;

CREATE OR REPLACE TABLE actor_lean AS
WITH actor_articles AS (SELECT DISTINCT actor_id, article_id FROM actor_mentions)
SELECT x.actor_id, ac.name, o.lean, count(*) AS articles, count(DISTINCT a.outlet) AS outlets
FROM actor_articles AS x
JOIN article_texts AS a USING (article_id)
JOIN actors AS ac USING (actor_id)
LEFT JOIN outlets AS o USING (outlet)
GROUP BY ALL
ORDER BY x.actor_id, o.lean;

CREATE OR REPLACE TABLE story_blindspots AS
WITH sides AS (
    SELECT story_id,
           (sum(articles) FILTER (WHERE lean IN ('left', 'lean-left')))::BIGINT   AS left_articles,
           (sum(articles) FILTER (WHERE lean = 'center'))::BIGINT                 AS center_articles,
           (sum(articles) FILTER (WHERE lean IN ('lean-right', 'right')))::BIGINT AS right_articles,
           (sum(articles) FILTER (WHERE lean IS NULL))::BIGINT                    AS unrated_articles,
           (sum(outlets)  FILTER (WHERE lean IN ('left', 'lean-left')))::BIGINT   AS left_outlets,
           (sum(outlets)  FILTER (WHERE lean IN ('lean-right', 'right')))::BIGINT AS right_outlets,
           sum(articles)::BIGINT                                                  AS articles
    FROM story_lean GROUP BY story_id
)
SELECT story_id,
       CASE WHEN coalesce(right_articles, 0) >= ? AND coalesce(left_articles, 0) = 0 THEN 'left'
            WHEN coalesce(left_articles, 0) >= ? AND coalesce(right_articles, 0) = 0 THEN 'right'
       END AS blindspot,
       coalesce(left_articles, 0)     AS left_articles,
       coalesce(center_articles, 0)   AS center_articles,
       coalesce(right_articles, 0)    AS right_articles,
       coalesce(unrated_articles, 0)  AS unrated_articles,
       coalesce(left_outlets, 0)      AS left_outlets,
       coalesce(right_outlets, 0)     AS right_outlets,
       articles
FROM sides
ORDER BY story_id;
