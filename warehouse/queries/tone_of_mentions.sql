-- The sentences behind an actor's tone (change the name): the most negative first.
SELECT a.published_date, a.outlet, t.tone,
       substring(a.body, t.sentence_start + 1, t.sentence_end - t.sentence_start) AS sentence
FROM mentions AS m
JOIN actors AS ac USING (actor_id)
JOIN articles AS a USING (article_id)
JOIN mention_tones AS t
  ON t.content_hash = a.content_hash AND t.start_char = m.start_char AND t.end_char = m.end_char
WHERE ac.name = 'Xi Jinping'
ORDER BY t.tone, a.published_date
LIMIT 20;
