-- The articles whose body holds a quotation: the keys whose ranges quotes.sql rebuilds `quotes` in.
SELECT DISTINCT article_id
FROM article_texts
WHERE content_hash IN (SELECT content_hash FROM quote_spans)
