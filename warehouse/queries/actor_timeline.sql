-- One actor's daily coverage (change the name); days without coverage have no row.
SELECT day, mentions, articles, unique_articles, stories, outlets
FROM actor_timelines
WHERE name = 'Xi Jinping'
ORDER BY day;
