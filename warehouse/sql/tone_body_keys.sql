-- The content hashes of English bodies: the keys whose ranges tone_pending.sql looks at in turn.
SELECT DISTINCT content_hash
FROM article_texts
WHERE content_hash IS NOT NULL AND language = 'en'
