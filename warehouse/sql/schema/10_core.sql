-- Core tables of the public contract (see README.md), plus the ledger of landing files.
-- Each stage's own state lives in a file of its own beside this one, run in name order.

CREATE TABLE IF NOT EXISTS landing_files (
    source_path   VARCHAR PRIMARY KEY,   -- relative to the landing folder
    size          BIGINT,
    mtime_ns      BIGINT,
    file_hash     VARCHAR,               -- sha256 of the raw bytes
    status        VARCHAR,               -- loaded | rejected
    articles      INTEGER,
    processed_at  TIMESTAMP
);

CREATE TABLE IF NOT EXISTS articles (
    article_id      VARCHAR PRIMARY KEY,
    source_path     VARCHAR NOT NULL,
    record_index    INTEGER NOT NULL,
    outlet          VARCHAR,
    url             VARCHAR,
    title           VARCHAR,
    author          VARCHAR,
    published_date  DATE,
    date_source     VARCHAR,
    language        VARCHAR,
    body            VARCHAR,
    word_count      INTEGER,
    content_hash    VARCHAR,
    file_hash       VARCHAR,
    format          VARCHAR,
    dup_group_id    VARCHAR,
    story_id        VARCHAR,
    entity_status   VARCHAR,             -- analysed | skipped: <reason>
    ingested_at     TIMESTAMP
);

CREATE TABLE IF NOT EXISTS rejected_files (
    source_path  VARCHAR PRIMARY KEY,
    reason       VARCHAR NOT NULL,
    file_hash    VARCHAR,
    rejected_at  TIMESTAMP
);

-- One row per body text (content_hash) that the NER step has seen, so an identical text is
-- never analysed twice; the spans themselves are in entity_spans.
CREATE TABLE IF NOT EXISTS entity_runs (
    content_hash  VARCHAR PRIMARY KEY,
    pipeline      VARCHAR,               -- spaCy pipeline name and version
    status        VARCHAR,               -- analysed | skipped
    reason        VARCHAR,
    analysed_at   TIMESTAMP
);
