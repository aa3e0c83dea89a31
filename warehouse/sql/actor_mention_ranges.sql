-- Ranges of actor ids (first, last), in order, each holding about $1 mentions (an actor with
-- more is a range of its own): the parts a table aggregated per actor is rebuilt in, so that no
-- statement's hash tables hold every mention of the corpus (distinct counts per group keep a
-- table of their own per count).
SELECT min(actor_id), max(actor_id)
FROM (
    SELECT actor_id, (sum(mentions) OVER (ORDER BY actor_id) - mentions) // $1 AS part
    FROM (SELECT actor_id, count(*) AS mentions FROM actor_mentions GROUP BY actor_id)
)
GROUP BY part
ORDER BY part
