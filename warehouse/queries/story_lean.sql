-- The largest stories with their articles by side (left = left + lean-left, right = lean-right
-- + right) and their blindspot, if any.
SELECT s.title, s.first_seen, b.articles, b.left_articles, b.center_articles, b.right_articles,
       b.unrated_articles, b.blindspot
FROM story_blindspots AS b JOIN stories AS s USING (story_id)
ORDER BY b.articles DESC, s.first_seen
LIMIT 20;
