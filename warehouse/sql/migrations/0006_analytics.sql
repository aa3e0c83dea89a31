-- Migration 6: analytics (assets/outlets.py, assets/attention.py, assets/lean.py). Tables their
-- assets rebuild, kept in the schema so queries and views find them on an empty warehouse too.
-- The stories step's rows move to `story_rows` (it stays their one writer) and the public
-- `stories` becomes a view adding `blindspot`, which the coverage-by-lean step owns.

CREATE TABLE outlets (
    outlet      VARCHAR PRIMARY KEY,     -- as written in articles.outlet
    name        VARCHAR,                 -- the outlet file's name for it
    domain      VARCHAR,
    country     VARCHAR,                 -- ISO 3166-1 alpha-2
    language    VARCHAR,                 -- ISO 639-1
    lean        VARCHAR,                 -- left | lean-left | center | lean-right | right
    kind        VARCHAR,                 -- wire | national | regional | broadcaster | aggregator | blog
    matched_by  VARCHAR,                 -- name | domain, NULL when the file has no row for it
    articles    BIGINT
);

-- Alerts already delivered to a folder or webhook, so each goes out once per target.
CREATE TABLE alert_deliveries (
    actor_id      VARCHAR,
    day           DATE,
    target        VARCHAR,               -- folder | webhook
    delivered_at  TIMESTAMP,
    PRIMARY KEY (actor_id, day, target)
);

-- Days when an actor's coverage rose far above its own trailing baseline (assets/attention.py).
CREATE TABLE actor_alerts (
    actor_id             VARCHAR,
    name                 VARCHAR,
    day                  DATE,
    articles             BIGINT,        -- articles mentioning the actor that day
    baseline             DOUBLE,        -- articles expected that day from the trailing window
    score                DOUBLE,        -- -log10 of the Poisson probability of at least `articles`
    reason               VARCHAR,
    day_articles         BIGINT,        -- all articles published that day
    window_articles      BIGINT,        -- the actor's articles in the trailing window
    window_all_articles  BIGINT,        -- all articles in the trailing window
    new_actor            BOOLEAN,       -- the day of the actor's first mention
    PRIMARY KEY (actor_id, day)
);

-- Per story, the side (left or right) that did not cover it while the other did; rebuilt by
-- coverage_by_lean (warehouse/sql/lean.sql), empty until it first runs.
CREATE TABLE story_blindspots (
    story_id          VARCHAR,
    blindspot         VARCHAR,
    left_articles     BIGINT,
    center_articles   BIGINT,
    right_articles    BIGINT,
    unrated_articles  BIGINT,
    left_outlets      BIGINT,
    right_outlets     BIGINT,
    articles          BIGINT
);

ALTER TABLE stories RENAME TO story_rows;

CREATE VIEW stories AS
SELECT s.story_id, s.title, s.first_seen, s.last_seen, s.articles, s.outlets, s.unique_articles, b.blindspot
FROM story_rows AS s
LEFT JOIN story_blindspots AS b USING (story_id);
