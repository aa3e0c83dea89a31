-- Migration 9: the landing folder as the ingest step last listed it, so the check that every
-- landing file is accounted for reads that listing instead of walking the folder a second time
-- in the same run. Rewritten only when the listing changed (its digest is the `build_state` row
-- 'landing_listing'), so a run with nothing new writes nothing here.
CREATE TABLE landing_listing (
    source_path  VARCHAR PRIMARY KEY,     -- posix, relative to the landing folder
    size         BIGINT,
    mtime_ns     BIGINT,
    refusal      VARCHAR,                 -- why the file is not read at all (a link outside the folder, ...)
    listed_at    TIMESTAMP
);
