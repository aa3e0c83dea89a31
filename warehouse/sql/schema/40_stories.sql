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
