-- Distinct signatures of the cached local mentions of the bodies in relation `kept`, with how
-- many mentions each stands for and their first and last position in the corpus order.
SELECT signature,
       any_value(surface) AS surface, any_value(entity_label) AS entity_label, any_value(source) AS source,
       any_value(key) AS key, any_value(name) AS name, any_value(actor_type) AS actor_type,
       any_value(fixed) AS fixed, any_value(person_hint) AS person_hint, any_value(crossed_line) AS crossed_line,
       any_value(the_before) AS the_before, any_value(table_cell) AS table_cell, any_value(title_line) AS title_line,
       any_value(sent_init) AS sent_init, any_value(colon_after) AS colon_after,
       count(*)::BIGINT AS count, min(position) AS "first", max(position) AS "last"
FROM actor_local_mentions
WHERE content_hash IN (SELECT content_hash FROM kept)
GROUP BY signature
