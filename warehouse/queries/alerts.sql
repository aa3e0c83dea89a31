-- Coverage alerts, latest first, with the reason in words.
SELECT day, name, articles, round(baseline, 2) AS expected, score, reason
FROM actor_alerts
ORDER BY day DESC, score DESC
LIMIT 50;
