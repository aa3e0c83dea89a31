-- One actor's attention day by day, quiet days included (change the name): articles, share of
-- the day's articles and share of voice among actors of its type.
SELECT day, articles, all_articles, round(share_of_articles, 3) AS share_of_articles,
       round(share_of_voice, 3) AS share_of_voice
FROM actor_share
WHERE name = 'Xi Jinping'
ORDER BY day;
