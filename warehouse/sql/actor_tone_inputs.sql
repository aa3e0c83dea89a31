-- What actor_tone is built from, as counts and order-free sums of row hashes: the mentions'
-- articles, actors and offsets, the articles' bodies (content hash) and days, the stored
-- sentence tones, the actors' names.
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(article_id, actor_id, start_char, end_char)), 0) FROM actor_mentions)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(article_id, content_hash, published_date)), 0) FROM articles)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(content_hash, start_char, end_char, tone)), 0) FROM mention_tones)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(actor_id, name)), 0) FROM actors) AS fingerprint
