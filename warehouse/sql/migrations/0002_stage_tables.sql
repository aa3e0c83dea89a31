-- Migration 2: every stage owns its tables, and the public `articles` becomes a view.
--
-- Before: one load step wrote `articles` (and seven other tables) from pickles handed between
-- steps. After: ingestion owns `raw_records` (+ landing_files, rejected_files), cleaning owns
-- `article_texts` (+ outlet_line_stats), dedup owns article_signatures.dup_group_id (+ duplicates),
-- stories own story_links.story_id (+ story_features), entity extraction owns entity_runs; the
-- view `articles` joins them with the public columns unchanged. Data of an existing warehouse is
-- carried over, so nothing is parsed, cleaned or analysed again.

-- What ingestion parsed out of each landing file: one row per article record, before cleaning.
CREATE TABLE raw_records (
    article_id        VARCHAR PRIMARY KEY,   -- hash of source_path and record_index
    source_path       VARCHAR NOT NULL,
    record_index      INTEGER NOT NULL,
    file_hash         VARCHAR,               -- sha256 of the file's bytes: the version of the record
    format            VARCHAR,
    text              VARCHAR,
    title             VARCHAR,
    url               VARCHAR,
    outlet            VARCHAR,
    author            VARCHAR,
    language          VARCHAR,
    meta_date         DATE,
    meta_date_source  VARCHAR,
    file_mtime_date   DATE,
    parsed_at         TIMESTAMP
);

-- Cleaned articles: what the public `articles` view shows, except the columns later stages own.
CREATE TABLE article_texts (
    article_id      VARCHAR PRIMARY KEY,
    source_path     VARCHAR NOT NULL,
    record_index    INTEGER NOT NULL,
    file_hash       VARCHAR,                 -- raw_records.file_hash it was cleaned from
    format          VARCHAR,
    outlet          VARCHAR,
    url             VARCHAR,
    title           VARCHAR,
    author          VARCHAR,
    published_date  DATE,
    date_source     VARCHAR,
    language        VARCHAR,
    body            VARCHAR,
    body_kind       VARCHAR,                 -- text | headline (a feed item with a headline only)
    word_count      INTEGER,
    content_hash    VARCHAR,
    agency          VARCHAR,                 -- wire agency the article credits (AP, Reuters, ...)
    ingested_at     TIMESTAMP
);

INSERT INTO raw_records
SELECT article_id, source_path, record_index, file_hash, format, body, title, url, outlet, author, language,
       published_date, date_source, NULL, ingested_at
FROM articles;

INSERT INTO article_texts
SELECT article_id, source_path, record_index, file_hash, format, outlet, url, title, author, published_date,
       date_source, language, body, 'text', word_count, content_hash, NULL, ingested_at
FROM articles;

-- Signatures of articles loaded before dedup kept its own rows carry the group from articles.
UPDATE article_signatures AS s SET dup_group_id = a.dup_group_id
FROM articles AS a WHERE a.article_id = s.article_id AND s.dup_group_id IS DISTINCT FROM a.dup_group_id;

-- The story of each article lives in story_links (the stories step owns it).
INSERT INTO story_links (article_id, story_id, matched_article_id, score, reason, linked_at)
SELECT article_id, story_id, NULL, NULL, 'new', ingested_at
FROM articles
WHERE story_id IS NOT NULL AND article_id NOT IN (SELECT article_id FROM story_links);

-- Per article, the story features counted when it was assigned (stemmed words, @actor ids), so
-- later runs compare new articles with it without reading or stemming its body again.
CREATE TABLE story_features (
    article_id      VARCHAR PRIMARY KEY,
    content_hash    VARCHAR,                 -- article_texts.content_hash the features were counted from
    terms           VARCHAR[],
    counts          INTEGER[]
);

-- The actors step's ledger: articles whose mentions are in `mentions` (also those with none).
CREATE TABLE actor_articles (
    article_id    VARCHAR PRIMARY KEY,
    content_hash  VARCHAR
);
INSERT INTO actor_articles
SELECT article_id, content_hash FROM articles
WHERE content_hash IN (SELECT content_hash FROM actor_local_bodies);

DROP TABLE articles;

CREATE VIEW articles AS
SELECT t.article_id, t.source_path, t.record_index, t.outlet, t.url, t.title, t.author,
       t.published_date, t.date_source, t.language, t.body, t.word_count, t.content_hash, t.file_hash,
       t.format, s.dup_group_id, l.story_id,
       CASE WHEN r.status IS NULL THEN NULL
            WHEN r.status = 'analysed' THEN 'analysed'
            ELSE 'skipped: ' || coalesce(r.reason, 'no reason given') END AS entity_status,
       t.ingested_at, t.agency, t.body_kind
FROM article_texts AS t
LEFT JOIN article_signatures AS s ON s.article_id = t.article_id AND s.content_hash = t.content_hash
LEFT JOIN story_links AS l ON l.article_id = t.article_id
LEFT JOIN entity_runs AS r ON r.content_hash = t.content_hash;
