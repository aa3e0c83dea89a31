-- Stories one side covered and the other did not: 'left' means the left did not cover it.
SELECT b.blindspot, s.title, s.first_seen, s.last_seen, b.left_articles, b.center_articles, b.right_articles,
       (SELECT string_agg(DISTINCT a.outlet, ', ') FROM articles AS a WHERE a.story_id = b.story_id) AS outlets
FROM story_blindspots AS b JOIN stories AS s USING (story_id)
WHERE b.blindspot IS NOT NULL
ORDER BY s.last_seen DESC;
