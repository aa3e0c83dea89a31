-- Share of voice over the last 7 days of data: each actor's mentions of all mentions of actors
-- of its type, and its share of all articles; the leading 20.
WITH last AS (SELECT max(day) AS d FROM actor_share)
SELECT name, actor_type,
       sum(articles) AS articles,
       round(sum(mentions) / sum(sum(mentions)) OVER (PARTITION BY actor_type), 3) AS share_of_voice,
       round(sum(articles) / (SELECT count(*) FROM articles, last WHERE published_date > d - 7), 3) AS share_of_articles
FROM actor_share, last
WHERE day > d - 7
GROUP BY name, actor_type
ORDER BY share_of_voice DESC, articles DESC, name
LIMIT 20;
