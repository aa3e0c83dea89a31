-- The bodies with resolved mentions: the keys whose ranges actors_parts.sql takes a share of at a time.
SELECT DISTINCT content_hash FROM actor_local_mentions
