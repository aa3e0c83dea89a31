-- Articles with stored features but no postings (assigned before the index existed): posted
-- once, from their stored features, when the stories step next runs.
WITH unposted AS (
    SELECT f.article_id, f.term_ids, f.counts
    FROM story_features AS f
    WHERE f.article_id NOT IN (SELECT DISTINCT article_id FROM story_postings)
),
named AS (  -- the terms of their numbers, in their order
    SELECT u.article_id, list(n.term ORDER BY u.i) AS terms
    FROM (SELECT article_id, unnest(term_ids) AS term_id, generate_subscripts(term_ids, 1) AS i FROM unposted) AS u
    LEFT JOIN story_terms AS n USING (term_id)
    GROUP BY u.article_id
)
SELECT u.article_id, t.published_date, coalesce(n.terms, []) AS terms, u.counts
FROM unposted AS u
JOIN article_texts AS t USING (article_id)
LEFT JOIN named AS n USING (article_id)
ORDER BY u.article_id
