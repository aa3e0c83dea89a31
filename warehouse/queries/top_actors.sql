-- Who is in the news most: the 20 actors in the most articles, with copies counted once.
SELECT name, actor_type, articles, unique_articles, stories, outlets, first_seen, last_seen
FROM actor_coverage
ORDER BY unique_articles DESC, mentions DESC
LIMIT 20;
