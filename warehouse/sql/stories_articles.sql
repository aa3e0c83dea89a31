-- What the `stories` table is rebuilt from: every article's story, title, day and outlet, and
-- the start of its body (a headline for stories whose articles carry no title).
SELECT article_id, story_id, title, published_date, outlet, dup_group_id, left(body, 400) AS lead
FROM articles
