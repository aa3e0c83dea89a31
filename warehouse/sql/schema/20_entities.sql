-- Entity extraction and actor resolution (assets/entities.py, assets/actors.py).

-- Raw spans of spaCy's entity recogniser, one row per span, per distinct body (content_hash):
-- every label, exact offsets into articles.body. The actors step re-resolves them on each run.
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
