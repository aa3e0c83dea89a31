-- The stories an actor appears in, newest first, with how many outlets carried each.
SELECT s.story_id, s.title, s.first_seen, s.last_seen, s.articles, s.outlets
FROM stories AS s
WHERE s.story_id IN (
    SELECT a.story_id
    FROM mentions AS m JOIN articles AS a USING (article_id) JOIN actors AS ac USING (actor_id)
    WHERE ac.name = 'Vladimir Putin'
)
ORDER BY s.last_seen DESC, s.articles DESC;
