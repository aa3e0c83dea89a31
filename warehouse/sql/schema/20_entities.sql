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
