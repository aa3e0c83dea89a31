-- Migration 4: tone and quotes (assets/tone.py, assets/quotes.py). The actors step's mentions
-- move to `actor_mentions` (it stays their one writer) and the public `mentions` becomes a view
-- that adds each mention's `tone` (owned by the tone step) with the same columns as before.


-- Tone of the sentence each mention stands in, per body and offsets: the public `mentions`
-- gets its `tone` column by joining this on articles.content_hash and the mention's offsets.
CREATE TABLE mention_tones (
    content_hash    VARCHAR NOT NULL,    -- articles.content_hash
    start_char      INTEGER NOT NULL,    -- the mention's offsets into articles.body
    end_char        INTEGER NOT NULL,
    tone            DOUBLE,              -- VADER compound score of the sentence, in [-1, 1]
    sentence_start  INTEGER,             -- the sentence scored, offsets into articles.body
    sentence_end    INTEGER,
    PRIMARY KEY (content_hash, start_char, end_char)
);

-- Quotations found in each body, with the speaker as offsets of one of the body's mentions;
-- the public `quotes` joins them to each article's mentions for the speaker's actor_id.
CREATE TABLE quote_spans (
    content_hash    VARCHAR NOT NULL,
    start_char      INTEGER NOT NULL,    -- the quotation, offsets into articles.body
    end_char        INTEGER NOT NULL,
    kind            VARCHAR,             -- direct | reported
    speaker         VARCHAR,             -- the speaker as written where the quote is attributed ("he", "the minister", "Xi")
    speaker_start   INTEGER,             -- offsets of the mention the speaker resolved to, NULL when unresolved
    speaker_end     INTEGER,
    attribution     VARCHAR,             -- which pattern attributed it (see README, "Quotes")
    resolved_by     VARCHAR              -- how the speaker was resolved: mention, pronoun, title, none
);

-- Bodies the quotes step has read, with a key of the mentions it read them with, so a body is
-- read again only when it is new or its mentions changed (an alias edit, a new resolution).
CREATE TABLE quote_bodies (
    content_hash    VARCHAR PRIMARY KEY,
    mentions_key    VARCHAR,
    quotes          INTEGER
);

ALTER TABLE mentions RENAME TO actor_mentions;

CREATE VIEW mentions AS
SELECT m.article_id, m.actor_id, m.surface, m.entity_label, m.start_char, m.end_char, m.source, t.tone
FROM actor_mentions AS m
LEFT JOIN article_texts AS a ON a.article_id = m.article_id
LEFT JOIN mention_tones AS t
       ON t.content_hash = a.content_hash AND t.start_char = m.start_char AND t.end_char = m.end_char;
