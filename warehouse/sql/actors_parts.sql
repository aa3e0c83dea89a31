-- One chunk's share of `actors`: the resolved mentions of the bodies with content hashes from $1
-- to $2 (where two mentions of a body cover the same text, the first in the corpus order), per
-- actor: name, type and ambiguity at its first mention in the corpus order (each with that
-- mention's position, for actors_rebuild.sql to take the first over all chunks), and the
-- distinct surfaces.
INSERT INTO _actor_parts
SELECT actor_id,
       arg_min(name, position) AS name, min(position) FILTER (WHERE name IS NOT NULL) AS name_first,
       arg_min(actor_type, position) AS actor_type,
       min(position) FILTER (WHERE actor_type IS NOT NULL) AS actor_type_first,
       arg_min(ambiguous, position) AS ambiguous, min(position) FILTER (WHERE ambiguous IS NOT NULL) AS ambiguous_first,
       list_distinct(list(surface)) AS aliases
FROM (
    SELECT r.actor_id, r.name, r.actor_type, r.ambiguous, l.surface, l.position
    FROM actor_local_mentions AS l
    JOIN actor_resolutions AS r USING (signature)
    WHERE l.content_hash BETWEEN $1 AND $2
    QUALIFY row_number() OVER (PARTITION BY l.content_hash, l.start_char, l.end_char ORDER BY l.position) = 1
)
GROUP BY actor_id
