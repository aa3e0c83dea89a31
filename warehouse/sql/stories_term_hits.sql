-- How many stored postings each of a chunk's posted features (registered relation _terms: term)
-- has between days $1 and $2 (or undated): summed over a new article's features, an upper
-- bound on the pairs stories_candidates.sql gathers for it, from which the step cuts the
-- statement into parts.
SELECT t.term, count(*) AS hits
FROM _terms AS t
JOIN story_postings AS p USING (term)
WHERE p.day IS NULL OR p.day BETWEEN $1 AND $2
GROUP BY t.term
