-- From actor_timelines (its days with coverage; the rest are zeros). Articles are counted
-- once per duplicate group throughout, so a wire story printed by ten
-- outlets is one article here, not a spike.
-- Days on which an actor is in at least $min_articles articles and in at least $min_ratio
-- times the number expected. Expected (the baseline): the actor's smoothed share of all
-- articles over the trailing $window_days days (days before its first mention count as zero;
-- $prior_articles keeps a newcomer's expected count above zero) times the day's articles.
-- The corpus must reach back at least $min_history_days days before the day.
WITH corpus AS (SELECT min(published_date) AS first_day FROM articles),
daily AS (
    SELECT published_date AS day, count(DISTINCT coalesce(dup_group_id, article_id)) AS articles
    FROM articles WHERE published_date IS NOT NULL GROUP BY 1
),
daily_window AS (
    SELECT day, articles,
           coalesce(sum(articles) OVER (ORDER BY day RANGE BETWEEN $window_days::INTEGER * INTERVAL 1 DAY PRECEDING
                                                    AND INTERVAL 1 DAY PRECEDING), 0) AS window_articles
    FROM daily
),
actor_window AS (
    SELECT actor_id, name, day, unique_articles AS articles,
           coalesce(sum(unique_articles) OVER (PARTITION BY actor_id ORDER BY day
                                        RANGE BETWEEN $window_days::INTEGER * INTERVAL 1 DAY PRECEDING
                                        AND INTERVAL 1 DAY PRECEDING), 0) AS window_articles,
           min(day) OVER (PARTITION BY actor_id) AS first_seen
    FROM actor_timelines
),
scored AS (
    SELECT a.actor_id, a.name, a.day, a.articles, a.window_articles, d.window_articles AS window_all_articles,
           d.articles AS day_articles, a.day = a.first_seen AS new_actor,
           least($window_days::INTEGER, a.day - c.first_day) AS history_days,
           (a.window_articles + $prior_articles::DOUBLE) / (d.window_articles + 1.0) * d.articles AS baseline
    FROM actor_window AS a
    JOIN daily_window AS d USING (day)
    CROSS JOIN corpus AS c
)
SELECT * FROM scored
WHERE articles >= $min_articles::BIGINT
  AND history_days >= $min_history_days::INTEGER
  AND articles >= $min_ratio::DOUBLE * baseline
ORDER BY day, actor_id;
