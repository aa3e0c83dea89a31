-- Migration 12: bodies the actors step has resolved into its cache (actor_local_*) whose
-- articles' mentions it has not published yet. The step commits its cache a chunk of bodies at
-- a time, each chunk with its rows here, and publishes the mentions of these bodies' articles
-- and `actors` at the end in one transaction, which empties this table: a run killed in between
-- leaves the resolved chunks cached and listed here, and the next run publishes them with its own.
CREATE TABLE actor_unpublished (
    content_hash  VARCHAR NOT NULL
);
