-- What `outlets` is built from in the warehouse (besides the outlet file), as a count and an
-- order-free sum of row hashes: the articles' outlets and urls.
SELECT count(*) || ':' || coalesce(sum(hash(article_id, outlet, url)), 0) AS fingerprint FROM articles
