-- Analytics tables (assets/outlets.py, assets/attention.py): rebuilt by their assets, kept in
-- the schema so queries and views find them on an empty warehouse too.

CREATE TABLE IF NOT EXISTS outlets (
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
CREATE TABLE IF NOT EXISTS alert_deliveries (
    actor_id      VARCHAR,
    day           DATE,
    target        VARCHAR,               -- folder | webhook
    delivered_at  TIMESTAMP,
    PRIMARY KEY (actor_id, day, target)
);

-- Days when an actor's coverage rose far above its own trailing baseline (assets/attention.py).
CREATE TABLE IF NOT EXISTS actor_alerts (
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
