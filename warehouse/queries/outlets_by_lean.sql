-- Articles by outlet lean and country (outlets missing from warehouse/outlets.csv show as unrated).
SELECT coalesce(o.lean, 'unrated') AS lean, coalesce(o.country, '?') AS country,
       count(*) AS articles, count(DISTINCT a.outlet) AS outlets
FROM articles AS a LEFT JOIN outlets AS o USING (outlet)
GROUP BY ALL
ORDER BY articles DESC, lean, country;
