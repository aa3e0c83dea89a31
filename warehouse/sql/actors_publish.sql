-- Publish the actors step's results (run inside its transaction, after the cache tables are
-- updated): the new signature -> actor table (_resolutions), the bodies resolved since the last
-- publication (actor_unpublished, emptied here). Only the mentions of affected articles are
-- rewritten: articles whose body was resolved, whose mentions' signatures now resolve to another actor, that are
-- new to this step (copies included), or that are gone or changed. This file clears their
-- mentions and lists them (_affected_articles); their new mentions are then written a chunk of
-- articles at a time (actors_publish_mentions.sql) and `actors` rebuilt a chunk of bodies at a
-- time (actors_parts.sql, actors_rebuild.sql), so that no statement holds the corpus.
CREATE OR REPLACE TEMP TABLE _changed_signatures AS
SELECT n.signature FROM _resolutions AS n LEFT JOIN actor_resolutions AS o USING (signature)
WHERE o.signature IS NULL OR o.actor_id IS DISTINCT FROM n.actor_id
UNION
SELECT o.signature FROM actor_resolutions AS o WHERE o.signature NOT IN (SELECT signature FROM _resolutions);

DELETE FROM actor_resolutions;
INSERT INTO actor_resolutions BY NAME SELECT * FROM _resolutions;

CREATE OR REPLACE TEMP TABLE _affected_articles AS
SELECT t.article_id
FROM article_texts AS t
WHERE t.content_hash IN (SELECT content_hash FROM actor_unpublished)
   OR t.content_hash IN (SELECT DISTINCT content_hash FROM actor_local_mentions
                         WHERE signature IN (SELECT signature FROM _changed_signatures))
UNION
SELECT t.article_id
FROM article_texts AS t
LEFT JOIN actor_articles AS a ON a.article_id = t.article_id AND a.content_hash IS NOT DISTINCT FROM t.content_hash
WHERE a.article_id IS NULL AND t.content_hash IN (SELECT content_hash FROM entity_runs)
UNION
SELECT a.article_id
FROM actor_articles AS a
LEFT JOIN article_texts AS t ON t.article_id = a.article_id AND t.content_hash IS NOT DISTINCT FROM a.content_hash
WHERE t.article_id IS NULL;

DELETE FROM actor_mentions WHERE article_id IN (SELECT article_id FROM _affected_articles);
DELETE FROM actor_articles WHERE article_id IN (SELECT article_id FROM _affected_articles);

INSERT INTO actor_articles (article_id, content_hash)
SELECT article_id, content_hash FROM article_texts
WHERE article_id IN (SELECT article_id FROM _affected_articles)
  AND content_hash IN (SELECT content_hash FROM entity_runs);

DELETE FROM actor_unpublished;

SELECT count(*) FROM _affected_articles;
