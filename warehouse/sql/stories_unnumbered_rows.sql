-- The stored features, terms by name, of the articles `ids` (to be numbered).
SELECT article_id, content_hash, terms, counts
FROM story_features
WHERE article_id IN {{ids}}
ORDER BY article_id
