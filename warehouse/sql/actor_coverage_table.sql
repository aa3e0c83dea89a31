-- The `actor_coverage` table, emptied for a rebuild (actor_coverage.sql fills it a range of
-- actors at a time, the ranges from actor_mention_ranges.sql).
CREATE OR REPLACE TABLE actor_coverage (
    actor_id         VARCHAR,
    name             VARCHAR,
    actor_type       VARCHAR,
    mentions         BIGINT,
    articles         BIGINT,
    unique_articles  BIGINT,
    stories          BIGINT,
    outlets          BIGINT,
    first_seen       DATE,
    last_seen        DATE
);
