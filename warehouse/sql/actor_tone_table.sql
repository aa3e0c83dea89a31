-- The `actor_tone` table, emptied for a rebuild (actor_tone.sql fills it a range of actors at
-- a time, the ranges from actor_mention_ranges.sql).
CREATE OR REPLACE TABLE actor_tone (
    actor_id   VARCHAR,
    name       VARCHAR,
    day        DATE,
    mentions   BIGINT,
    articles   BIGINT,
    tone       DOUBLE,
    positive   BIGINT,
    negative   BIGINT
);
