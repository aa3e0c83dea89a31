-- Stories with their articles by side, largest first, for the asset's preview.
SELECT s.title, s.first_seen, b.*
FROM story_blindspots AS b JOIN stories AS s USING (story_id)
ORDER BY b.articles DESC, s.first_seen, b.story_id;
