-- Bodies (content hashes) of English articles with a mention whose offsets have no tone yet:
-- new bodies, or mentions a re-resolution added to an old one (`toned`: the body has scores
-- already, to be replaced). Other languages get no tone (the lexicon is English). Only the
-- bodies whose content hash is between $1 and $2 (a range of tone_body_keys.sql): the
-- anti-join holds the range's stored scores in a hash table, not every score of the corpus.
SELECT DISTINCT a.content_hash,
       a.content_hash IN (SELECT content_hash FROM mention_tones WHERE content_hash BETWEEN $1 AND $2) AS toned
FROM actor_mentions AS m
JOIN article_texts AS a USING (article_id)
WHERE a.content_hash BETWEEN $1 AND $2
  AND a.language = 'en'
  AND NOT EXISTS (
      SELECT 1 FROM mention_tones AS t
      WHERE t.content_hash BETWEEN $1 AND $2
        AND t.content_hash = a.content_hash AND t.start_char = m.start_char AND t.end_char = m.end_char)
ORDER BY a.content_hash;
