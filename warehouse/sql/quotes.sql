-- Who said what, per article: the quotations found in its body (quote_spans, per content hash)
-- with the speaker's actor from the article's own mention at the speaker's offsets. Appended
-- for the articles with ids from $1 to $2 into the table quotes_table.sql creates: the step
-- rebuilds `quotes` a range of articles at a time, in article order, so that no statement
-- holds every body and mention of the corpus.
INSERT INTO quotes
SELECT
    a.article_id,
    m.actor_id,
    substring(a.body, q.start_char + 1, q.end_char - q.start_char) AS quote,
    q.start_char,
    q.end_char,
    q.kind,
    q.speaker,
    q.attribution,
    q.resolved_by,
    q.speaker_start,
    q.speaker_end
FROM quote_spans AS q
JOIN article_texts AS a ON a.content_hash = q.content_hash  -- the stage table under the `articles` view: the same rows
LEFT JOIN (
    SELECT article_id, start_char, end_char, min(actor_id) AS actor_id
    FROM actor_mentions
    WHERE article_id BETWEEN $1 AND $2
    GROUP BY article_id, start_char, end_char
) AS m ON m.article_id = a.article_id AND m.start_char = q.speaker_start AND m.end_char = q.speaker_end
WHERE a.article_id BETWEEN $1 AND $2
ORDER BY a.article_id, q.start_char;
