-- One chunk of story assignment in one transaction: the new links (_story_links), earlier
-- stories merged into others (_story_merges), the chunk's document frequencies (_story_df),
-- features (_story_features, terms by number; new term numbers: _story_terms) and postings
-- (_story_postings), and how many documents it adds
-- (_story_corpus).
UPDATE story_links SET story_id = m.into_story_id
FROM _story_merges AS m
WHERE story_links.story_id = m.merged_story_id;

DELETE FROM story_links WHERE article_id IN (SELECT article_id FROM _story_links);
INSERT INTO story_links BY NAME
SELECT article_id, story_id, matched_article_id, score, reason, linked_at FROM _story_links;

INSERT INTO story_merges BY NAME
SELECT merged_story_id, into_story_id, merged_at FROM _story_merges;

INSERT INTO story_term_df BY NAME
SELECT term, df FROM _story_df
ON CONFLICT (term) DO UPDATE SET df = story_term_df.df + excluded.df;

INSERT INTO story_terms BY NAME SELECT * FROM _story_terms;

DELETE FROM story_features WHERE article_id IN (SELECT article_id FROM _story_features);
INSERT INTO story_features BY NAME SELECT * FROM _story_features;

INSERT INTO story_corpus BY NAME SELECT * FROM _story_corpus;

DELETE FROM story_postings WHERE article_id IN (SELECT article_id FROM _story_features);
INSERT INTO story_postings BY NAME SELECT * FROM _story_postings;
