-- Migration 8: what a table rebuilt from others was last built from (a fingerprint of its
-- inputs), so that a run with nothing new leaves it as it is instead of rebuilding it.
CREATE TABLE build_state (
    name         VARCHAR PRIMARY KEY,     -- the table rebuilt (e.g. quotes)
    fingerprint  VARCHAR NOT NULL,        -- counts and order-free hash sums of its inputs
    built_at     TIMESTAMP
);
