-- Migration 10: story features stored as term numbers. A stories chunk reads the features of
-- tens of thousands of stored articles (at 100k articles, 25,000 per chunk of 1,000): as lists
-- of integers they read several times faster than as lists of strings. `story_terms` numbers
-- every feature term once (never renumbered, never removed); `story_features.term_ids` holds an
-- article's terms by number, `terms` stays empty (NULL) for rows written from this version on.
-- Rows written before are numbered by the stories step the next time it runs, a chunk at a
-- time (as features and postings were when they were added), so this migration reads nothing.
CREATE TABLE story_terms (
    term     VARCHAR PRIMARY KEY,
    term_id  INTEGER NOT NULL
);
ALTER TABLE story_features ADD COLUMN term_ids INTEGER[];
