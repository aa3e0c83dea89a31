-- Cleaned articles whose raw record is gone (its file was parsed again and holds fewer
-- records): removed, since no later chunk would replace them. Returns how many.
DELETE FROM article_texts WHERE article_id NOT IN (SELECT article_id FROM raw_records)
RETURNING 1
