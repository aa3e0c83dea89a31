-- One cleaning chunk in one transaction: the cleaned articles (_articles) replace any earlier
-- version of the same ids, and the chunk's per-outlet line counts (_line_stats) are added.
DELETE FROM article_texts WHERE article_id IN (SELECT article_id FROM _articles);
INSERT INTO article_texts BY NAME SELECT * FROM _articles;
INSERT INTO outlet_line_stats (outlet, line_hash, documents)
SELECT outlet, line_hash, documents FROM _line_stats
ON CONFLICT (outlet, line_hash) DO UPDATE SET documents = outlet_line_stats.documents + excluded.documents;
