-- The `actor_timelines` table, emptied for a rebuild (actor_timelines.sql fills it a range of
-- actors at a time, the ranges from actor_mention_ranges.sql).
CREATE OR REPLACE TABLE actor_timelines (
    actor_id         VARCHAR,
    name             VARCHAR,
    day              DATE,
    mentions         BIGINT,
    articles         BIGINT,
    unique_articles  BIGINT,
    stories          BIGINT,
    outlets          BIGINT
);
