-- One body per content_hash that has been through the entity recogniser.
SELECT content_hash, any_value(body) AS body
FROM articles
WHERE content_hash IN (SELECT content_hash FROM entity_runs WHERE status = 'analysed')
GROUP BY content_hash
