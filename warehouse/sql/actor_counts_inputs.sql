-- What actor_timelines and actor_coverage are built from, as counts and order-free sums of row
-- hashes: the mentions' articles and actors, the actors' names and types, and the articles'
-- day, duplicate group, story (story_links) and outlet. Equal to the stored fingerprint:
-- rebuilding the tables would give the same rows.
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(article_id, actor_id)), 0) FROM actor_mentions)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(actor_id, name, actor_type)), 0) FROM actors)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(article_id, published_date, dup_group_id, story_id, outlet)), 0)
               FROM articles) AS fingerprint
