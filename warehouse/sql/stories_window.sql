-- The stored features (terms by number) of the candidate articles (registered relation _earlier) with their day,
-- copy group and story, so no body is read or stemmed again; and per story its first article
-- over all its articles (day, then id), which the candidates may not include: an older story
-- keeps its id when two merge; and how many articles it has in all (a story read in part never
-- merges with another earlier one).
WITH firsts AS (
    SELECT l.story_id,
           min(t.published_date) AS story_first_date,
           arg_min(l.article_id, (coalesce(t.published_date, DATE '9999-12-31'), l.article_id)) AS story_first_article,
           count(*) AS story_articles
    FROM story_links AS l
    JOIN article_texts AS t USING (article_id)
    WHERE l.story_id IN (SELECT l2.story_id FROM story_links AS l2 JOIN _earlier USING (article_id))
    GROUP BY l.story_id
)
SELECT f.article_id, t.published_date, s.dup_group_id, l.story_id, f.term_ids, f.counts,
       firsts.story_first_date, firsts.story_first_article, firsts.story_articles
FROM story_features AS f
JOIN _earlier USING (article_id)
JOIN story_links AS l USING (article_id)
JOIN article_texts AS t USING (article_id)
JOIN firsts USING (story_id)
LEFT JOIN article_signatures AS s USING (article_id)
-- Unordered: the step sorts the rows (by day, undated last, then id), cheaper than sorting
-- the feature lists here.
