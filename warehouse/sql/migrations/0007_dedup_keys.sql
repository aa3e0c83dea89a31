-- Migration 7: the LSH band keys and sampled shingles of every stored signature, one row each,
-- so that finding the stored candidates of new articles is a join on this table instead of
-- unnesting every stored signature's lists for every chunk.
CREATE TABLE dedup_keys (
    kind        VARCHAR NOT NULL,        -- band | sample
    key         UBIGINT NOT NULL,
    article_id  VARCHAR NOT NULL
);
INSERT INTO dedup_keys
SELECT 'band', unnest(lsh_bands), article_id FROM article_signatures;
INSERT INTO dedup_keys
SELECT 'sample', unnest(shingle_sample), article_id FROM article_signatures;
