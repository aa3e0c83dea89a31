-- What an article's body is: 'text', or 'headline' for a feed item that carries a headline
-- only (its body is the headline, so the entity step analyses it). Added by the wild-inputs
-- work; to become a numbered migration at merge.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS body_kind VARCHAR;
