-- The `quotes` table, emptied for a rebuild (quotes.sql fills it a range of articles at a time).
CREATE OR REPLACE TABLE quotes (
    article_id     VARCHAR,
    actor_id       VARCHAR,
    quote          VARCHAR,
    start_char     INTEGER,
    end_char       INTEGER,
    kind           VARCHAR,
    speaker        VARCHAR,
    attribution    VARCHAR,
    resolved_by    VARCHAR,
    speaker_start  INTEGER,
    speaker_end    INTEGER
);
