-- Stored mention tones by VADER's customary reading (positive from 0.05, negative from -0.05).
SELECT CASE WHEN tone >= 0.05 THEN 'positive' WHEN tone <= -0.05 THEN 'negative' ELSE 'neutral' END AS reading,
       count(*) AS mentions,
       round(avg(tone), 3) AS mean_tone
FROM mention_tones
GROUP BY reading
ORDER BY reading;
