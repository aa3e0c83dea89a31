-- One row per actor and publication day: how many of its mentions have a tone, and their mean.
-- A mention's tone is that of its sentence (mention_tones, keyed by body and offsets). The
-- actors between $1 and $2 (a range of actor_mention_ranges.sql): the join then holds their
-- mentions in its hash table, not the corpus's scores (280 MiB at 100k articles).
INSERT INTO actor_tone
SELECT
    m.actor_id,
    any_value(ac.name)                          AS name,
    a.published_date                            AS day,
    count(*)                                    AS mentions,
    count(DISTINCT m.article_id)                AS articles,
    -- summed as decimals: exact, so the mean is the same whatever order the rows come in (a
    -- sum of doubles over other row groups moved the fourth decimal of 49 of 69,049 rows)
    round(avg(t.tone::DECIMAL(38, 12)), 4)     AS tone,
    count(*) FILTER (WHERE t.tone >= 0.05)      AS positive,
    count(*) FILTER (WHERE t.tone <= -0.05)     AS negative
FROM actor_mentions AS m
JOIN article_texts AS a USING (article_id)  -- the stage table under the `articles` view: the same rows
JOIN mention_tones AS t
  ON t.content_hash = a.content_hash AND t.start_char = m.start_char AND t.end_char = m.end_char
JOIN actors AS ac USING (actor_id)
WHERE a.published_date IS NOT NULL
  AND m.actor_id BETWEEN $1 AND $2
GROUP BY m.actor_id, a.published_date
ORDER BY m.actor_id, day;
