-- Bodies (content hashes) of English articles with a mention whose offsets have no tone yet:
-- new bodies, or mentions a re-resolution added to an old one (`toned`: the body has scores
-- already, to be replaced). Other languages get no tone (the lexicon is English).
SELECT DISTINCT a.content_hash,
       a.content_hash IN (SELECT content_hash FROM mention_tones) AS toned
FROM actor_mentions AS m
JOIN article_texts AS a USING (article_id)
WHERE a.content_hash IS NOT NULL
  AND a.language = 'en'
  AND NOT EXISTS (
      SELECT 1 FROM mention_tones AS t
      WHERE t.content_hash = a.content_hash AND t.start_char = m.start_char AND t.end_char = m.end_char)
ORDER BY a.content_hash;
