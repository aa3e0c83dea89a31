-- Migration 5: an inverted index of story features, so that assigning new articles reads only
-- the stored articles that share one of their distinctive features (and those articles'
-- story-mates), not every article of the 60-day window. One row per article and each of its
-- POSTING_TERMS heaviest features (TF-IDF when it was assigned). Articles assigned before this
-- migration get theirs the next time the stories step runs.
CREATE TABLE story_postings (
    term        VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    day         INTEGER                  -- published_date as a day number, NULL when undated
);
