-- Replace the `stories` rows of the touched stories (_stories) with their rebuilt rows (_table);
-- a story left without articles (merged into another, or its articles gone) disappears.
DELETE FROM story_rows WHERE story_id IN (SELECT story_id FROM _stories);
INSERT INTO story_rows BY NAME SELECT * FROM _table;
