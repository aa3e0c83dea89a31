-- Writes one run's assignments (registered as _story_links) and the new articles' document
-- frequencies (_story_df); run inside the transaction that also rebuilds `stories`.
UPDATE articles SET story_id = l.story_id
FROM _story_links AS l
WHERE articles.article_id = l.article_id;

DELETE FROM story_links WHERE article_id IN (SELECT article_id FROM _story_links);

INSERT INTO story_links BY NAME
SELECT article_id, story_id, matched_article_id, score, reason, linked_at FROM _story_links;

INSERT INTO story_term_df BY NAME
SELECT term, df FROM _story_df
ON CONFLICT (term) DO UPDATE SET df = story_term_df.df + excluded.df;
