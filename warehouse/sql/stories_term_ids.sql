-- The numbers of the terms (registered relation _terms: term) already in `story_terms`, and the
-- largest number given so far (0 when none): the terms not found get the next ones.
SELECT t.term, t.term_id, (SELECT coalesce(max(term_id), 0) FROM story_terms) AS largest
FROM story_terms AS t
JOIN _terms USING (term)
UNION ALL
SELECT NULL, NULL, (SELECT coalesce(max(term_id), 0) FROM story_terms)
