-- Articles whose story features were counted from a body they no longer have (their file was
-- parsed again) or that are gone: their words leave the document frequencies, their links and
-- features are removed so they are assigned afresh. Returns the stories they were in.
CREATE OR REPLACE TEMP TABLE _stale_stories AS
SELECT f.article_id, l.story_id
FROM story_features AS f
LEFT JOIN article_texts AS t ON t.article_id = f.article_id AND t.content_hash IS NOT DISTINCT FROM f.content_hash
LEFT JOIN story_links AS l ON l.article_id = f.article_id
WHERE t.article_id IS NULL
UNION
SELECT l.article_id, l.story_id
FROM story_links AS l
WHERE l.article_id NOT IN (SELECT article_id FROM article_texts);

UPDATE story_term_df SET df = story_term_df.df - gone.n
FROM (SELECT term, count(*) AS n
      FROM (SELECT n.term
            FROM (SELECT unnest(term_ids) AS term_id FROM story_features
                  WHERE article_id IN (SELECT article_id FROM _stale_stories)) AS f
            JOIN story_terms AS n USING (term_id))
      GROUP BY term) AS gone
WHERE story_term_df.term = gone.term;
DELETE FROM story_term_df WHERE df <= 0;

INSERT INTO story_corpus
SELECT -count(*), now()::TIMESTAMP FROM story_features WHERE article_id IN (SELECT article_id FROM _stale_stories)
HAVING count(*) > 0;

DELETE FROM story_features WHERE article_id IN (SELECT article_id FROM _stale_stories);
DELETE FROM story_postings WHERE article_id IN (SELECT article_id FROM _stale_stories);
DELETE FROM story_links WHERE article_id IN (SELECT article_id FROM _stale_stories);
SELECT DISTINCT story_id FROM _stale_stories WHERE story_id IS NOT NULL ORDER BY 1;
