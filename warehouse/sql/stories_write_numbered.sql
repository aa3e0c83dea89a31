-- Stored features by term number (_story_features: article_id, content_hash, term_ids, counts)
-- with the terms numbered for the first time (_story_terms), replacing what the same articles
-- had: the upgrade of features written before terms were numbered, and the features counted
-- once for articles assigned before features were kept.
INSERT INTO story_terms BY NAME SELECT * FROM _story_terms;
DELETE FROM story_features WHERE article_id IN (SELECT article_id FROM _story_features);
INSERT INTO story_features BY NAME SELECT * FROM _story_features;
