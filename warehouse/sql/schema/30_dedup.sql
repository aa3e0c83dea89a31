-- Duplicate detection (assets/dedup.py). One signature row per article, kept so that later
-- articles can be matched against earlier ones without re-reading their bodies, and one row
-- per copy in `duplicates`, linking it to the article it copies.

CREATE TABLE IF NOT EXISTS article_signatures (
    article_id      VARCHAR PRIMARY KEY,
    source_path     VARCHAR,
    dup_group_id    VARCHAR,             -- as articles.dup_group_id
    content_hash    VARCHAR,             -- exact copies share it
    shingles        INTEGER,             -- distinct 5-word shingles of the body
    minhash         UBIGINT[],           -- MinHash signature (datasketch, 128 permutations)
    lsh_bands       UBIGINT[],           -- one LSH bucket key per band of the signature
    shingle_sample  UBIGINT[]            -- shingle hashes kept by the mod-8 sample (containment)
);

CREATE TABLE IF NOT EXISTS duplicates (
    article_id    VARCHAR NOT NULL,      -- the copy
    duplicate_of  VARCHAR NOT NULL,      -- the article it copies (loaded earlier or older)
    similarity    DOUBLE,                -- 1.0 for exact copies, else max(jaccard, containment)
    method        VARCHAR,               -- exact | near | containment
    jaccard       DOUBLE,                -- MinHash estimate of shingle Jaccard
    containment   DOUBLE,                -- share of the smaller text's sampled shingles in the other
    PRIMARY KEY (article_id, duplicate_of)
);
