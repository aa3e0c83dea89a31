-- Publish the actors step's results (run inside its transaction, after the cache tables are
-- updated): the new signature -> actor table (_resolutions), the bodies resolved this run
-- (_resolved_hashes). Only the mentions of affected articles are rewritten: articles whose body
-- was resolved this run, whose mentions' signatures now resolve to another actor, that are
-- new to this step (copies included), or that are gone or changed. `actors` is then rebuilt
-- from the mentions: one aggregate; `ambiguous` lists the candidates of a bare surname that
-- several full names share (NULL otherwise).
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
WHERE t.content_hash IN (SELECT content_hash FROM _resolved_hashes)
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

-- Where two mentions of a body cover the same text, the first in the corpus order.
CREATE OR REPLACE TEMP TABLE _resolved_mentions AS
SELECT l.content_hash, r.actor_id, r.name, r.actor_type, r.ambiguous, l.surface, l.entity_label, l.start_char, l.end_char,
       l.source, l.position
FROM actor_local_mentions AS l
JOIN actor_resolutions AS r USING (signature)
QUALIFY row_number() OVER (PARTITION BY l.content_hash, l.start_char, l.end_char ORDER BY l.position) = 1;

DELETE FROM actor_mentions WHERE article_id IN (SELECT article_id FROM _affected_articles);
DELETE FROM actor_articles WHERE article_id IN (SELECT article_id FROM _affected_articles);

INSERT INTO actor_mentions (article_id, actor_id, surface, entity_label, start_char, end_char, source)
SELECT a.article_id, m.actor_id, m.surface, m.entity_label, m.start_char, m.end_char, m.source
FROM _resolved_mentions AS m
JOIN article_texts AS a USING (content_hash)
WHERE a.article_id IN (SELECT article_id FROM _affected_articles)
ORDER BY a.article_id, m.start_char;

INSERT INTO actor_articles (article_id, content_hash)
SELECT article_id, content_hash FROM article_texts
WHERE article_id IN (SELECT article_id FROM _affected_articles)
  AND content_hash IN (SELECT content_hash FROM entity_runs);

-- An actor is shown by the name of its first mention in the corpus order.
DELETE FROM actors;
INSERT INTO actors (actor_id, name, actor_type, aliases, mentions, articles, ambiguous)
SELECT r.actor_id, r.name, r.actor_type, r.aliases, c.mentions, c.articles, r.ambiguous
FROM (
    SELECT actor_id, arg_min(name, position) AS name, arg_min(actor_type, position) AS actor_type,
           list_sort(list_distinct(list(surface))) AS aliases, arg_min(ambiguous, position) AS ambiguous
    FROM _resolved_mentions
    GROUP BY actor_id
) AS r
JOIN (
    SELECT actor_id, count(*) AS mentions, count(DISTINCT article_id) AS articles
    FROM actor_mentions
    GROUP BY actor_id
) AS c USING (actor_id)
ORDER BY r.actor_id;

DROP TABLE _resolved_mentions;
SELECT count(*) FROM _affected_articles;
