-- Migration 1: the schema of release 0.1 (before versioned migrations), as it was. A warehouse
-- built before migrations existed already holds these tables; IF NOT EXISTS adopts it as version 1.

-- (10_core.sql)
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

-- (15_clean.sql)
-- The cleaning stage's memory: per outlet, in how many documents each short line was seen
-- (line_hash: the line with case, punctuation and spacing ignored). A line an outlet prints in many
-- documents is furniture (a slogan, a share prompt); new documents are cleaned against these
-- running totals as well as against the lines of their own batch.
CREATE TABLE IF NOT EXISTS outlet_line_stats (
    outlet     VARCHAR NOT NULL,
    line_hash  VARCHAR NOT NULL,
    documents  BIGINT NOT NULL,
    PRIMARY KEY (outlet, line_hash)
);

-- (20_entities.sql)
-- Entity extraction and actor resolution (assets/entities.py, assets/actors.py).

-- Raw spans of spaCy's entity recogniser, one row per span, per distinct body (content_hash):
-- every label, exact offsets into articles.body, from which the actors step resolves mentions.
CREATE TABLE IF NOT EXISTS entity_spans (
    content_hash  VARCHAR NOT NULL,
    surface       VARCHAR,
    entity_label  VARCHAR,               -- PERSON, ORG, GPE, LOC, NORP, DATE, ...
    start_char    INTEGER,
    end_char      INTEGER
);

-- Actors after resolution; replaced as a whole by each run of the actors step.
CREATE TABLE IF NOT EXISTS actors (
    actor_id    VARCHAR PRIMARY KEY,     -- "<type>:<slug of the canonical name>", stable across runs
    name        VARCHAR,                 -- canonical name
    actor_type  VARCHAR,                 -- person | organization | place
    aliases     VARCHAR[],               -- every surface form seen for it
    mentions    BIGINT,
    articles    BIGINT
);

-- One row per resolved mention; replaced together with actors.
CREATE TABLE IF NOT EXISTS mentions (
    article_id    VARCHAR,
    actor_id      VARCHAR,
    surface       VARCHAR,               -- the text as written in the body (title and possessive trimmed)
    entity_label  VARCHAR,               -- NER label of the span
    start_char    INTEGER,               -- offsets into articles.body
    end_char      INTEGER,
    source        VARCHAR                -- ner | dateline (an all-capital dateline the recogniser missed)
);

-- The actors step's cache, so that a run resolves only the bodies it has not seen (or whose
-- resolution read something of the corpus that has changed since). Cleared when the alias
-- table or the resolution settings change (actor_cache_settings.fingerprint).
CREATE TABLE IF NOT EXISTS actor_cache_settings (
    fingerprint   VARCHAR                -- hash of the alias table, spaCy lexicon and cache version
);

-- Bodies resolved and cached (also those that gave no mention).
CREATE TABLE IF NOT EXISTS actor_local_bodies (
    content_hash  VARCHAR PRIMARY KEY,
    mentions      INTEGER
);

-- Mentions of each body after resolution within the body, with what the cross-corpus steps
-- read of them; `signature` hashes those fields (mentions alike resolve alike).
CREATE TABLE IF NOT EXISTS actor_local_mentions (
    content_hash  VARCHAR,
    phase         INTEGER,               -- 0 entity spans, 1 datelines/brackets/tables, 2 capitals lines
    ordinal       INTEGER,
    start_char    INTEGER,
    end_char      INTEGER,
    surface       VARCHAR,
    entity_label  VARCHAR,
    source        VARCHAR,
    key           VARCHAR,
    name          VARCHAR,
    actor_type    VARCHAR,
    fixed         BOOLEAN,
    person_hint   BOOLEAN,
    crossed_line  BOOLEAN,
    the_before    BOOLEAN,
    table_cell    BOOLEAN,
    title_line    BOOLEAN,
    sent_init     BOOLEAN,
    colon_after   BOOLEAN,
    signature     VARCHAR,
    position      VARCHAR                -- sortable "phase|content_hash|ordinal": the corpus order
);

-- What each body tells the corpus: mixed (key written in mixed case), vote (label), mid (key
-- capitalised mid-sentence), definition (acronym -> long form).
CREATE TABLE IF NOT EXISTS actor_local_contributions (
    content_hash  VARCHAR,
    kind          VARCHAR,
    key           VARCHAR,
    value         VARCHAR,
    count         BIGINT,
    position      VARCHAR
);

-- What each body's resolution read of the corpus (kind mixed | known | acronym, key, value seen).
CREATE TABLE IF NOT EXISTS actor_local_reads (
    content_hash  VARCHAR,
    kind          VARCHAR,
    key           VARCHAR,
    value         VARCHAR
);

-- The actor each signature of actor_local_mentions resolved to on the last run.
CREATE TABLE IF NOT EXISTS actor_resolutions (
    signature     VARCHAR,
    actor_id      VARCHAR,
    name          VARCHAR,
    actor_type    VARCHAR
);

-- (30_dedup.sql)
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

-- (40_stories.sql)
-- Story clustering (assets/stories.py). `stories` is rebuilt from articles.story_id after every
-- run; the other tables explain each assignment and keep the state later runs need.

CREATE TABLE IF NOT EXISTS stories (
    story_id         VARCHAR PRIMARY KEY,  -- "s-" + article_id of the article that started it
    title            VARCHAR,              -- title of its earliest article
    first_seen       DATE,
    last_seen        DATE,
    articles         BIGINT,
    outlets          BIGINT,               -- distinct outlets
    unique_articles  BIGINT                -- distinct dup groups (copies counted once)
);

-- Why each article is in its story: the best-matching article it joined through and the score
-- (reason: similar | duplicate | new, for the article that started the story).
CREATE TABLE IF NOT EXISTS story_links (
    article_id          VARCHAR PRIMARY KEY,
    story_id            VARCHAR NOT NULL,
    matched_article_id  VARCHAR,
    score               DOUBLE,
    reason              VARCHAR,
    linked_at           TIMESTAMP
);

-- Document frequency of each story feature (word, or "@" + actor_id) over the articles
-- clustered so far, and how many articles that is, so that later runs weigh words alike.
CREATE TABLE IF NOT EXISTS story_term_df (
    term  VARCHAR PRIMARY KEY,
    df    BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS story_corpus (
    documents   BIGINT NOT NULL,           -- articles added by one run
    counted_at  TIMESTAMP
);

-- Stories folded into another one (its articles now carry into_story_id).
CREATE TABLE IF NOT EXISTS story_merges (
    merged_story_id  VARCHAR NOT NULL,
    into_story_id    VARCHAR NOT NULL,
    merged_at        TIMESTAMP
);

