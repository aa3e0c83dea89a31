-- Rebuild mentions and actors from the cached local mentions and the signature -> actor table:
-- one row per article holding the body; where two mentions of a body cover the same text, the
-- first in the corpus order. An actor is shown by the name of its first mention; `ambiguous`
-- lists the candidates of a bare surname that several full names share (NULL otherwise).
CREATE OR REPLACE TEMP TABLE resolved_mentions AS
SELECT l.content_hash, r.actor_id, r.name, r.actor_type, r.ambiguous, l.surface, l.entity_label, l.start_char, l.end_char,
       l.source, l.position
FROM actor_local_mentions AS l
JOIN actor_resolutions AS r USING (signature)
QUALIFY row_number() OVER (PARTITION BY l.content_hash, l.start_char, l.end_char ORDER BY l.position) = 1;

DELETE FROM mentions;
DELETE FROM actors;

INSERT INTO mentions (article_id, actor_id, surface, entity_label, start_char, end_char, source)
SELECT a.article_id, m.actor_id, m.surface, m.entity_label, m.start_char, m.end_char, m.source
FROM resolved_mentions AS m
JOIN articles AS a USING (content_hash)
ORDER BY a.article_id, m.start_char;

INSERT INTO actors (actor_id, name, actor_type, aliases, mentions, articles, ambiguous)
SELECT r.actor_id, r.name, r.actor_type, r.aliases, c.mentions, c.articles, r.ambiguous
FROM (
    SELECT actor_id, arg_min(name, position) AS name, arg_min(actor_type, position) AS actor_type,
           list_sort(list_distinct(list(surface))) AS aliases, arg_min(ambiguous, position) AS ambiguous
    FROM resolved_mentions
    GROUP BY actor_id
) AS r
JOIN (
    SELECT actor_id, count(*) AS mentions, count(DISTINCT article_id) AS articles
    FROM mentions
    GROUP BY actor_id
) AS c USING (actor_id)
ORDER BY r.actor_id;

DROP TABLE resolved_mentions;
