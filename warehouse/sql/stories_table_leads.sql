-- The start of the body of the articles `ids` (the earliest article of each story without a
-- title: its first sentence stands in for the title).
SELECT article_id, left(body, 400) AS lead
FROM article_texts
WHERE article_id IN {{ids}}
