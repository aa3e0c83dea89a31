-- One body per content_hash that has been through the entity recogniser (in a fixed order, so
-- that resolution gives the same result on the same data).
SELECT content_hash, any_value(body) AS body
FROM articles
WHERE content_hash IN (SELECT content_hash FROM entity_runs WHERE status = 'analysed')
GROUP BY content_hash
ORDER BY content_hash
