-- The TF-IDF weights of a chunk's rows, computed where the features are stored so that only
-- three numeric columns reach Python: per row of the chunk's matrix (registered relation _rows:
-- article_id, row) its features' weights (sublinear tf, smoothed idf, actors weighed by $2),
-- cut to the $3 heaviest (ties: the term first in order), and each feature's column (features
-- in sorted order) and group (0 body word, 1 title word ^, 2 actor @). The features of the new
-- articles are the registered relation _new_counts (article_id, term, count), those of stored
-- articles come from story_features; document frequencies are the stored ones plus the new
-- articles' (_new_df: term, df); $1 is log(documents + 1).
WITH counts AS (
    SELECT article_id, term, count FROM _new_counts
    UNION ALL
    SELECT article_id, unnest(terms) AS term, unnest(counts) AS count
    FROM story_features
    WHERE article_id IN (SELECT article_id FROM _rows)
      AND article_id NOT IN (SELECT article_id FROM _new_counts)
),
df AS (
    SELECT term, sum(df) AS df
    FROM (SELECT term, df FROM story_term_df WHERE term IN (SELECT term FROM counts)
          UNION ALL SELECT term, df FROM _new_df)
    GROUP BY term
),
weighted AS (
    SELECT r.row, c.term,
           (ln(c.count::DOUBLE) + 1.0) * ($1 - ln(coalesce(d.df, 0)::DOUBLE + 1.0) + 1.0)
           * CASE WHEN starts_with(c.term, '@') THEN $2 ELSE 1.0 END AS w
    FROM counts AS c
    JOIN _rows AS r USING (article_id)
    LEFT JOIN df AS d USING (term)
    WHERE c.count > 0 AND c.term IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY r.row ORDER BY w DESC, c.term) <= $3
)
SELECT row, w, (dense_rank() OVER (ORDER BY term) - 1)::BIGINT AS col,
       CASE left(term, 1) WHEN '@' THEN 2 WHEN '^' THEN 1 ELSE 0 END::TINYINT AS kind
FROM weighted
