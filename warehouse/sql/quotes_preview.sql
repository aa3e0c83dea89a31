-- The speakers quoted most, with an example.
SELECT coalesce(ac.name, '(unresolved)') AS speaker,
       count(*) AS quotes,
       count(*) FILTER (WHERE q.kind = 'direct') AS direct,
       count(*) FILTER (WHERE q.kind = 'reported') AS reported,
       min(q.quote) AS example
FROM quotes AS q
LEFT JOIN actors AS ac USING (actor_id)
GROUP BY ac.name
ORDER BY quotes DESC, speaker
LIMIT 10;
