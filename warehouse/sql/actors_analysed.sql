-- Every body that has been through the entity recogniser and that cleaned articles still hold:
-- the bodies whose mentions the actors step keeps resolved.
SELECT DISTINCT content_hash
FROM article_texts
WHERE content_hash IN (SELECT content_hash FROM entity_runs WHERE status = 'analysed')
