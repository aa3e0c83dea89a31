-- Who said what, per article: the quotations found in its body (quote_spans, per content hash)
-- with the speaker's actor from the article's own mention at the speaker's offsets. Appended
-- for the articles with ids from $1 to $2 into the table quotes_table.sql creates: the step
-- rebuilds `quotes` a range of articles at a time, in article order, so that no statement
-- holds every body and mention of the corpus.
INSERT INTO quotes
SELECT
    q.article_id,
    m.actor_id,
    q.quote,
    q.start_char,
    q.end_char,
    q.kind,
    q.speaker,
    q.attribution,
    q.resolved_by,
    q.speaker_start,
    q.speaker_end
FROM (
    -- The quotation's text is cut from the body here, so that the join below holds the
    -- quotations, not the bodies they came from (it built its hash table of the bodies: a
    -- range of 10,000 articles of a 100k corpus held 90 MiB).
    SELECT a.article_id, substring(a.body, s.start_char + 1, s.end_char - s.start_char) AS quote,
           s.start_char, s.end_char, s.kind, s.speaker, s.attribution, s.resolved_by, s.speaker_start, s.speaker_end
    FROM quote_spans AS s
    JOIN article_texts AS a ON a.content_hash = s.content_hash  -- the stage table under the `articles` view: the same rows
    WHERE a.article_id BETWEEN $1 AND $2
) AS q
LEFT JOIN (
    SELECT article_id, start_char, end_char, min(actor_id) AS actor_id
    FROM actor_mentions
    WHERE article_id BETWEEN $1 AND $2
    GROUP BY article_id, start_char, end_char
) AS m ON m.article_id = q.article_id AND m.start_char = q.speaker_start AND m.end_char = q.speaker_end
ORDER BY q.article_id, q.start_char;
