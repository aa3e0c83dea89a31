-- How one actor is covered day by day (change the name): mean tone of the sentences that
-- mention it, in [-1, 1], with the counts behind it. Read a mean over few mentions with care.
SELECT day, mentions, tone, positive, negative
FROM actor_tone
WHERE name = 'Xi Jinping'
ORDER BY day;
