-- The most mentioned actors with their mean tone over all days, warmest first.
WITH totals AS (
    SELECT actor_id, any_value(name) AS name, sum(mentions) AS mentions,
           round(sum(tone * mentions) / sum(mentions), 3) AS tone,
           sum(positive) AS positive, sum(negative) AS negative
    FROM actor_tone
    GROUP BY actor_id
)
SELECT name, mentions, tone, positive, negative
FROM (SELECT * FROM totals ORDER BY mentions DESC, actor_id LIMIT 15)
ORDER BY tone DESC, name;
