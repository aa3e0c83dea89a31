-- Stored articles a chunk of new articles could join a story through: per new article (the
-- registered relation _query: article_id, term, day), the $2 stored articles sharing the most
-- of its heaviest features, published within $1 days of it (or undated); then every article of
-- those articles' stories, and the copies of the new articles. Ids only: their features are read
-- next (stories_window.sql).
WITH hits AS (
    SELECT q.article_id AS new_id, p.article_id, count(*) AS shared
    FROM _query AS q
    JOIN story_postings AS p USING (term)
    WHERE p.article_id NOT IN (SELECT article_id FROM _ids)
      AND (q.day IS NULL OR p.day IS NULL OR abs(p.day - q.day) <= $1)
      -- the same window as constants ($3, $4: the chunk's first and last day, widened by the
      -- window), so the scan skips the row groups of other months instead of joining them
      AND (p.day IS NULL OR p.day BETWEEN $3 AND $4)
    GROUP BY q.article_id, p.article_id
),
best AS (
    SELECT article_id FROM hits
    QUALIFY row_number() OVER (PARTITION BY new_id ORDER BY shared DESC, article_id) <= $2
),
stories_touched AS (
    SELECT DISTINCT l.story_id FROM story_links AS l JOIN best USING (article_id)
),
copies AS (
    SELECT s.article_id
    FROM article_signatures AS s
    WHERE s.dup_group_id IN (SELECT s2.dup_group_id FROM article_signatures AS s2 JOIN _ids USING (article_id))
      AND s.article_id NOT IN (SELECT article_id FROM _ids)
)
-- A story is read by its articles of the chunk's time only (days $3 to $4, and undated ones):
-- older and later ones can be compared with no new article, so a long-running story costs what
-- it published in those weeks, not all it ever published.
SELECT DISTINCT l.article_id
FROM story_links AS l
JOIN article_texts AS t USING (article_id)
WHERE (l.story_id IN (SELECT story_id FROM stories_touched)
       AND (t.published_date IS NULL OR t.published_date - DATE '0001-01-01' + 1 BETWEEN $3 AND $4))
   OR l.article_id IN (SELECT article_id FROM copies)
ORDER BY l.article_id
