-- Migration 3: ambiguous actors. A bare surname ("Clinton") that several full names of the corpus
-- share ("Bill Clinton", "Hillary Rodham Clinton") with none clearly the one meant is kept as an
-- actor of its own and flagged with the candidates' names; NULL otherwise.
ALTER TABLE actors ADD COLUMN IF NOT EXISTS ambiguous VARCHAR[];
ALTER TABLE actor_resolutions ADD COLUMN IF NOT EXISTS ambiguous VARCHAR[];
