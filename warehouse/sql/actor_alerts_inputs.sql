-- What actor_alerts is built from, as counts and order-free sums of row hashes: the actors'
-- daily counts (actor_timelines) and the articles' days and duplicate groups.
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(actor_id, name, day, unique_articles)), 0) FROM actor_timelines)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(article_id, published_date, dup_group_id)), 0)
               FROM articles) AS fingerprint
