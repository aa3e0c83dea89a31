-- The terms of the term numbers in the registered relation _term_ids (term_id).
SELECT t.term_id, t.term
FROM story_terms AS t
JOIN _term_ids USING (term_id)
