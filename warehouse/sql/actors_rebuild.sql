-- `actors` from the chunks' shares (_actor_parts, actors_parts.sql) and the mentions: an actor
-- is shown by the name of its first mention in the corpus order; `ambiguous` lists the
-- candidates of a bare surname that several full names share (NULL otherwise).
DELETE FROM actors;
INSERT INTO actors (actor_id, name, actor_type, aliases, mentions, articles, ambiguous)
SELECT r.actor_id, r.name, r.actor_type, r.aliases, c.mentions, c.articles, r.ambiguous
FROM (
    SELECT actor_id, arg_min(name, name_first) AS name, arg_min(actor_type, actor_type_first) AS actor_type,
           list_sort(list_distinct(flatten(list(aliases)))) AS aliases, arg_min(ambiguous, ambiguous_first) AS ambiguous
    FROM _actor_parts
    GROUP BY actor_id
) AS r
JOIN (
    SELECT actor_id, count(*) AS mentions, count(DISTINCT article_id) AS articles
    FROM actor_mentions
    GROUP BY actor_id
) AS c USING (actor_id)
ORDER BY r.actor_id;
DROP TABLE _actor_parts;
