-- Writes one run's assignments (registered as _story_links), the earlier stories that merged
-- (_story_merges) and the new articles' document frequencies (_story_df); run inside the
-- transaction that also rebuilds `stories`.
UPDATE articles SET story_id = l.story_id
FROM _story_links AS l
WHERE articles.article_id = l.article_id;

UPDATE articles SET story_id = m.into_story_id
FROM _story_merges AS m
WHERE articles.story_id = m.merged_story_id;

-- Links of articles being assigned again, and of articles gone with a replaced file.
DELETE FROM story_links
WHERE article_id IN (SELECT article_id FROM _story_links)
   OR article_id NOT IN (SELECT article_id FROM articles);

UPDATE story_links SET story_id = m.into_story_id
FROM _story_merges AS m
WHERE story_links.story_id = m.merged_story_id;

INSERT INTO story_links BY NAME
SELECT article_id, story_id, matched_article_id, score, reason, linked_at FROM _story_links;

INSERT INTO story_merges BY NAME
SELECT merged_story_id, into_story_id, merged_at FROM _story_merges;

INSERT INTO story_term_df BY NAME
SELECT term, df FROM _story_df
ON CONFLICT (term) DO UPDATE SET df = story_term_df.df + excluded.df;
