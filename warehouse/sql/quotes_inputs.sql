-- What the `quotes` table is built from, as counts and order-free sums of row hashes: the
-- articles' bodies (by content hash), their mentions' offsets and actors, the stored quotation
-- spans. Equal to the stored fingerprint: rebuilding `quotes` would give the same rows.
SELECT (SELECT count(*) || ':' || coalesce(sum(hash(article_id, content_hash)), 0)
        FROM article_texts WHERE content_hash IS NOT NULL)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(article_id, start_char, end_char, actor_id)), 0)
               FROM actor_mentions)
    || '/' || (SELECT count(*) || ':' || coalesce(sum(hash(q)), 0) FROM quote_spans AS q) AS fingerprint
