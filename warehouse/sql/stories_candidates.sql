-- Stored articles a chunk of new articles could join a story through: per new article (the
-- registered relation _query: article_id, term, day, and qi: the new article's position in the
-- chunk, a cheaper key to group by), the $2 stored articles sharing the most
-- of its heaviest features, published within $1 days of it (or undated); then the articles of
-- those articles' stories within $1 days of it, and the copies of the new articles. Ids only: their features are read
-- next (stories_window.sql). One row per stored article: (article_id, first_reader: the
-- position of the first new article that reads it; 0 for a copy of a new article, read
-- whatever the cut), so the step can count what the first k new articles read. Aggregated
-- here, not returned per (new article, stored article): in a dense window that was hundreds
-- of thousands of rows a chunk (429,152 for 24,571 articles at 100k articles a year).
WITH hits AS (
    SELECT q.qi AS new_id, p.article_id, count(*) AS shared
    FROM _query AS q
    JOIN story_postings AS p USING (term)
    WHERE p.article_id NOT IN (SELECT article_id FROM _ids)
      AND (q.day IS NULL OR p.day IS NULL OR abs(p.day - q.day) <= $1)
      -- the same window as constants ($3, $4: the chunk's first and last day, widened by the
      -- window), so the scan skips the row groups of other months instead of joining them
      AND (p.day IS NULL OR p.day BETWEEN $3 AND $4)
    GROUP BY q.qi, p.article_id
),
-- The $2 best per new article. Most pairs share one feature and rank far below the $2nd, so
-- first the least count of shared features that still keeps $2 of them (from a small histogram
-- per new article), and only the pairs at or above it are ranked: the same $2, a smaller sort.
histogram AS (
    SELECT new_id, shared, count(*) AS pairs FROM hits GROUP BY new_id, shared
),
cutoff AS (
    SELECT new_id, max(shared) AS least_shared
    FROM (SELECT new_id, shared,
                 sum(pairs) OVER (PARTITION BY new_id ORDER BY shared DESC) AS kept
          FROM histogram)
    WHERE kept >= $2
    GROUP BY new_id
),
best AS (
    SELECT h.new_id, h.article_id FROM hits AS h LEFT JOIN cutoff AS c USING (new_id)
    WHERE h.shared >= coalesce(c.least_shared, 0)
    QUALIFY row_number() OVER (PARTITION BY h.new_id ORDER BY h.shared DESC, h.article_id) <= $2
),
stories_touched AS (
    SELECT DISTINCT b.new_id, l.story_id FROM story_links AS l JOIN best AS b USING (article_id)
),
new_days AS (
    SELECT DISTINCT qi AS new_id, day FROM _query
),
copies AS (
    SELECT s.article_id
    FROM article_signatures AS s
    WHERE s.dup_group_id IN (SELECT s2.dup_group_id FROM article_signatures AS s2 JOIN _ids USING (article_id))
      AND s.article_id NOT IN (SELECT article_id FROM _ids)
),
-- A story is read by its articles within $1 days of a new article that found it (and its undated
-- ones): older and later ones can be compared with no new article, so a long-running story costs
-- what it published in those weeks, not all it ever published.
found AS (
    SELECT l.article_id, st.new_id
    FROM stories_touched AS st
    JOIN new_days AS n USING (new_id)
    JOIN story_links AS l ON l.story_id = st.story_id
    JOIN article_texts AS t ON t.article_id = l.article_id
    WHERE n.day IS NULL OR t.published_date IS NULL OR abs(t.published_date - DATE '0001-01-01' + 1 - n.day) <= $1
    UNION ALL
    SELECT article_id, 0 FROM copies
)
SELECT article_id, min(new_id) AS first_reader
FROM found
GROUP BY article_id
ORDER BY article_id
